import { beforeEach, describe, expect, it } from 'vitest';
import { cycleOutlet, pduDriver as pdu } from '../../activities/drivers/pdu/client';
import { APC_OUTLET_OBJECTS, pduCycleDeadlineMs, type PduDriverSpec } from '../../activities/drivers/pdu/spec';
import type { SnmpUserAccess } from '../../activities/drivers/snmp/spec';
import { driverSchema, toDriverSpec } from '../../activities/drivers/schemas';
import { deviceCallDeadlineMs, isProbeOnly } from '../../activities/drivers/specs';
import { DeviceAuthError, DeviceConfigError, DeviceError, DeviceProtocolError, DeviceTimeoutError, DeviceUnreachableError } from '../../activities/errors';
import { callFor, rejectionOf, target, useSimulator } from './support';
import { secretsFrom } from '../support/secrets';

const ADMIN = { name: 'admin', authProtocol: 'sha', authKey: 'admin-auth-key', privProtocol: 'aes', privKey: 'admin-priv-key' } as const;
const simulator = useSimulator({
  devices: [
    {
      kind: 'pdu',
      id: 'pdu-1',
      community: 'pdu-community',
      readOnlyCommunity: 'pdu-readonly',
      outletCount: 8,
      outlets: { 3: 'amp' },
      users: [ADMIN],
      rebootDelayMs: 100,
    },
    { kind: 'tcp', id: 'amp', initialPower: 'on' },
  ],
});

const secrets = secretsFrom({
  PDU_COMMUNITY: 'pdu-community',
  PDU_READONLY: 'pdu-readonly',
  PDU_WRONG: 'not-the-community',
  PDU_AUTH: ADMIN.authKey,
  PDU_PRIV: ADMIN.privKey,
  PDU_WRONG_KEY: 'not-the-auth-key',
});
const RESPONSE_MS = 300;
const V3_ADMIN: SnmpUserAccess = {
  version: '3',
  user: 'admin',
  auth: { protocol: 'sha', key: { secret: 'PDU_AUTH' } },
  priv: { protocol: 'aes', key: { secret: 'PDU_PRIV' } },
};

const device = () => simulator.device('pdu-1', 'pdu');

function pduSpec(overrides: Partial<PduDriverSpec> = {}): PduDriverSpec {
  return {
    type: 'pdu',
    host: '127.0.0.1',
    port: device().port,
    access: { version: '2c', community: { secret: 'PDU_COMMUNITY' } },
    objects: APC_OUTLET_OBJECTS,
    timeouts: { responseMs: RESPONSE_MS },
    ...overrides,
  };
}

function outlet(number: number, overrides: Partial<PduDriverSpec> = {}) {
  return target(`amp-${number}`, pduSpec({ outlet: number, ...overrides }));
}

/** The PDU itself: a pdu machine without an outlet. */
const wholePdu = (overrides: Partial<PduDriverSpec> = {}) => target('pdu-1', pduSpec(overrides));

const call = (machine: ReturnType<typeof outlet>, signal?: AbortSignal) => callFor(machine, { secrets, ...(signal && { signal }) });
const commands = () => device().commands.map((entry) => entry.command);

beforeEach(() => {
  for (let n = 1; n <= device().outletCount; n++) device().setOutlet(n, 'on');
  device().commands.length = 0;
  simulator.device('amp').commands.length = 0;
});

describe('pdu driver (APC PowerNet over SNMP)', () => {
  it('when the outlet is on, then probe reads on, with the OID and value it read', async () => {
    await expect(pdu.probe(call(outlet(3)))).resolves.toEqual({ power: 'on', detail: '1.3.6.1.4.1.318.1.1.12.3.5.1.1.4.3 = 1 (on)' });
  });

  it('when the outlet is off, then probe reads off', async () => {
    device().setOutlet(5, 'off');
    await expect(pdu.probe(call(outlet(5)))).resolves.toEqual({ power: 'off', detail: '1.3.6.1.4.1.318.1.1.12.3.5.1.1.4.5 = 2 (off)' });
  });

  it('when switched off and on, then each command is confirmed by a read the detail names, and the amplifier on the outlet loses and regains mains', async () => {
    await expect(pdu.setPower(call(outlet(3)), 'off')).resolves.toEqual({
      detail: 'outlet 3: set 1.3.6.1.4.1.318.1.1.12.3.3.1.1.4.3 = 2 (off), then read 1.3.6.1.4.1.318.1.1.12.3.5.1.1.4.3 = 2 (off)',
    });
    expect(simulator.device('amp').power).toBe('off');
    await expect(pdu.setPower(call(outlet(3)), 'on')).resolves.toMatchObject({ detail: expect.stringContaining('= 1 (on), then read') });
    expect(simulator.device('amp').power).toBe('on');
    expect(commands()).toEqual(['outlet 3 immediateOff', 'outlet 3 immediateOn']);
    expect(simulator.device('amp').commands.map((entry) => entry.command)).toEqual(['MAINS OFF', 'MAINS ON']);
  });

  it('when the community is wrong, then DeviceTimeoutError at its step deadline, naming machine, address, step, elapsed time and the community as a cause', async () => {
    const machine = outlet(3, { access: { version: '2c', community: { secret: 'PDU_WRONG' } } });
    const error = await rejectionOf(pdu.probe(call(machine)));
    expect(error).toBeInstanceOf(DeviceTimeoutError);
    expect(error.message).toMatch(
      /^amp-3 "Test amp-3" at 127\.0\.0\.1:\d+: no answer within 300 ms: the agent is off or unreachable, or the community is wrong \(an SNMP 2c agent does not answer a community it does not know\) at step "read outlet state" \(elapsed \d+ ms\)$/,
    );
  });

  it('when the read-only community switches, then DeviceAuthError and the outlet stays on', async () => {
    const machine = outlet(3, { access: { version: '2c', community: { secret: 'PDU_READONLY' } } });
    await expect(pdu.probe(call(machine))).resolves.toMatchObject({ power: 'on' });
    const error = await rejectionOf(pdu.setPower(call(machine), 'off'));
    expect(error).toBeInstanceOf(DeviceAuthError);
    expect((error as DeviceAuthError).problem).toBe('noAccess for 1.3.6.1.4.1.318.1.1.12.3.3.1.1.4.3: this community may read but not switch outlet 3; give it write access on the PDU');
    expect(device().outlet(3)).toBe('on');
  });

  it('when the PDU lacks the outlet, then DeviceConfigError naming the OID and the outlet, for a probe and for a switch', async () => {
    const probe = await rejectionOf(pdu.probe(call(outlet(9))));
    expect(probe).toBeInstanceOf(DeviceConfigError);
    expect((probe as DeviceConfigError).problem).toBe('the PDU has no outlet 9: NoSuchInstance: 1.3.6.1.4.1.318.1.1.12.3.5.1.1.4.9 (check outlet and mib)');
    const command = await rejectionOf(pdu.setPower(call(outlet(9)), 'on'));
    expect(command).toBeInstanceOf(DeviceConfigError);
    expect((command as DeviceConfigError).problem).toBe('the PDU has no outlet 9: noCreation for 1.3.6.1.4.1.318.1.1.12.3.3.1.1.4.9');
  });

  it('when SNMPv1 asks for an outlet the PDU lacks, then DeviceConfigError from its noSuchName', async () => {
    const error = await rejectionOf(pdu.probe(call(outlet(9, { access: { version: '1', community: { secret: 'PDU_COMMUNITY' } } }))));
    expect(error).toBeInstanceOf(DeviceConfigError);
    expect((error as DeviceConfigError).problem).toContain('noSuchName for 1.3.6.1.4.1.318.1.1.12.3.5.1.1.4.9');
  });

  describe('SNMPv3', () => {
    it('when the user authenticates (SHA) with privacy (AES), then probe and switch work', async () => {
      const machine = outlet(2, { access: V3_ADMIN });
      await expect(pdu.setPower(call(machine), 'off')).resolves.toMatchObject({ detail: expect.stringContaining('then read') });
      await expect(pdu.probe(call(machine))).resolves.toMatchObject({ power: 'off' });
      expect(commands()).toEqual(['outlet 2 immediateOff']);
    });

    it('when the authentication key is wrong, then DeviceAuthError from the agent\'s wrong-digest report, and nothing is switched', async () => {
      const machine = outlet(2, { access: { ...V3_ADMIN, auth: { protocol: 'sha', key: { secret: 'PDU_WRONG_KEY' } } } });
      const error = await rejectionOf(pdu.setPower(call(machine), 'off'));
      expect(error).toBeInstanceOf(DeviceAuthError);
      expect(error.message).toMatch(/the PDU refused the SNMPv3 credentials: Wrong Digest .* at step "set outlet off"/);
      expect(device().outlet(2)).toBe('on');
    });

    it('when the user is unknown to the PDU, then DeviceAuthError naming it so', async () => {
      const error = await rejectionOf(pdu.probe(call(outlet(2, { access: { ...V3_ADMIN, user: 'stranger' } }))));
      expect(error).toBeInstanceOf(DeviceAuthError);
      expect((error as DeviceAuthError).problem).toContain('Unknown User Name');
    });

    it('then its deadline allows the engine discovery before the first request', () => {
      expect(deviceCallDeadlineMs(outlet(2, { access: V3_ADMIN }).driver)).toBe(3 * RESPONSE_MS);
    });
  });

  describe('faults', () => {
    it('when the PDU never answers, then DeviceTimeoutError at the step it was at', async () => {
      device().setFault({ mode: 'hang' });
      const error = await rejectionOf(pdu.setPower(call(outlet(3)), 'off'));
      expect(error).toBeInstanceOf(DeviceTimeoutError);
      expect((error as DeviceTimeoutError).step).toBe('set outlet off');
      expect(commands()).toEqual([]);
    });

    it('when the PDU answers noise, then DeviceProtocolError', async () => {
      device().setFault({ mode: 'garbage' });
      const error = await rejectionOf(pdu.probe(call(outlet(3))));
      expect(error).toBeInstanceOf(DeviceProtocolError);
      expect(error.message).toContain('undecodable answer');
    });

    it('when the PDU answers late but within the response timeout, then the probe reads it', async () => {
      device().setFault({ mode: 'slow', delayMs: 100 });
      await expect(pdu.probe(call(outlet(3)))).resolves.toMatchObject({ power: 'on' });
    });

    it('when the PDU has lost its own mains, then DeviceTimeoutError', async () => {
      device().setPower('off');
      expect(await rejectionOf(pdu.probe(call(outlet(3))))).toBeInstanceOf(DeviceTimeoutError);
    });
  });

  it('when the PDU\'s address cannot even be sent to, then DeviceUnreachableError with the socket\'s error', async () => {
    // The kernel refuses a datagram to the broadcast address from a socket not allowed to broadcast: a send that fails at once, anywhere.
    const error = await rejectionOf(pdu.probe(call(outlet(3, { host: '255.255.255.255' }))));
    expect(error).toBeInstanceOf(DeviceUnreachableError);
    expect(error.message).toMatch(/^amp-3 "Test amp-3" at 255\.255\.255\.255:\d+: send EACCES 255\.255\.255\.255:\d+ at step "read outlet state"/);
  });

  it('when the caller aborts a call the PDU does not answer, then it ends at once with a DeviceError and its session\'s socket is closed (checked after every test)', async () => {
    device().setFault({ mode: 'hang' });
    const machine = outlet(3, { timeouts: { responseMs: 10_000 } });
    const controller = new AbortController();
    const probing = pdu.probe(call(machine, controller.signal));
    setTimeout(() => controller.abort(new Error('activity cancelled')), 100);
    const error = await rejectionOf(probing);
    expect(error).toBeInstanceOf(DeviceError);
    expect(error.message).toContain('call aborted (Error: activity cancelled) at step "read outlet state"');
  });

  it('when a generic MIB names the objects, then the driver reads and writes those with its values', async () => {
    const generic = { ...APC_OUTLET_OBJECTS, mib: 'generic' as const, stateOn: [1], stateOff: [2, 3] };
    await expect(pdu.setPower(call(outlet(4, { objects: generic })), 'off')).resolves.toMatchObject({ detail: expect.stringContaining('(off), then read') });
    const readOnlyCommand = { ...generic, commandOid: generic.stateOid };
    const error = await rejectionOf(pdu.setPower(call(outlet(4, { objects: readOnlyCommand })), 'on'));
    expect(error).toBeInstanceOf(DeviceConfigError);
    expect((error as DeviceConfigError).problem).toBe('1.3.6.1.4.1.318.1.1.12.3.5.1.1.4.4 is not writable (notWritable): check the command OID of the mib');
  });

  it('when an outlet is power-cycled, then it is switched off, left off, switched on, and its device loses and regains mains in that order', async () => {
    const machine = outlet(3);
    const { detail } = await cycleOutlet(call(machine), 50);
    const spec = machine.driver as PduDriverSpec;
    expect(detail).toMatch(/= 2 \(off\), then read .* off for 50 ms; .* = 1 \(on\), then read .*= 1 \(on\)$/);
    expect(commands()).toEqual(['outlet 3 immediateOff', 'outlet 3 immediateOn']);
    expect(simulator.device('amp').commands.map((entry) => entry.command)).toEqual(['MAINS OFF', 'MAINS ON']);
    expect(pduCycleDeadlineMs(spec, 50)).toBe(4 * RESPONSE_MS + 50);
  });

  it('then its deadline is one command and one confirming read', () => {
    expect(deviceCallDeadlineMs(outlet(3).driver)).toBe(2 * RESPONSE_MS);
  });

  describe('the PDU as a whole (no outlet): watched, never switched', () => {
    it('when the PDU answers, then probe reads on, with how long it has been up from sysUpTime.0', async () => {
      await expect(pdu.probe(call(wholePdu()))).resolves.toEqual({ power: 'on', detail: expect.stringMatching(/^up \d+ (s|min \d+ s) \(sysUpTime\.0\)$/) });
      await expect(pdu.probe(call(wholePdu({ access: V3_ADMIN })))).resolves.toMatchObject({ power: 'on' });
    });

    it('when the PDU has lost its own mains, then DeviceTimeoutError at the read', async () => {
      device().setPower('off');
      const error = await rejectionOf(pdu.probe(call(wholePdu())));
      expect(error).toBeInstanceOf(DeviceTimeoutError);
      expect((error as DeviceTimeoutError).step).toBe('read object');
    });

    it('when it is told to switch or power-cycle, then DeviceConfigError saying it is probe only, and nothing reaches the PDU', async () => {
      const error = await rejectionOf(pdu.setPower(call(wholePdu()), 'off'));
      expect(error).toBeInstanceOf(DeviceConfigError);
      expect(error.message).toMatch(
        /^pdu-1 "Test pdu-1" at 127\.0\.0\.1:\d+: the machine is probe only: a pdu machine without an outlet is the PDU as a whole, watched, never switched \(give it an outlet to switch one\); it takes no power commands at step "set power"/,
      );
      expect(await rejectionOf(cycleOutlet(call(wholePdu()), 50))).toBeInstanceOf(DeviceConfigError);
      expect(commands()).toEqual([]);
    });

    it('then it is probe only and its deadline is the one read', () => {
      expect(isProbeOnly(wholePdu().driver)).toBe(true);
      expect(isProbeOnly(outlet(3).driver)).toBe(false);
      expect(deviceCallDeadlineMs(wholePdu().driver)).toBe(RESPONSE_MS);
    });

    it('when the driver block has no outlet, then the spec has none; with one, it keeps it', () => {
      const block = { type: 'pdu', community: { secret: 'PDU_COMMUNITY' } };
      expect(toDriverSpec(driverSchema.parse(block), '10.20.6.60')).not.toHaveProperty('outlet');
      expect(toDriverSpec(driverSchema.parse({ ...block, outlet: 4 }), '10.20.6.60')).toMatchObject({ outlet: 4 });
    });
  });

  it('when a power cycle is asked to leave the outlet off for a negative time, then DeviceConfigError and nothing is switched', async () => {
    const error = await rejectionOf(cycleOutlet(call(outlet(3)), -1));
    expect(error).toBeInstanceOf(DeviceConfigError);
    expect((error as DeviceConfigError).problem).toBe('offMs must be a whole number of milliseconds from 0, not -1');
    expect(commands()).toEqual([]);
  });
});
