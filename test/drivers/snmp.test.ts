import { beforeEach, describe, expect, it } from 'vitest';
import { driverSchema, toDriverSpec } from '../../activities/drivers/schemas';
import { snmpDriver as snmp } from '../../activities/drivers/snmp/client';
import { SYS_UP_TIME_OID, type SnmpDriverSpec, type SnmpUserAccess } from '../../activities/drivers/snmp/spec';
import { deviceCallDeadlineMs, driverAspects, driverSecretRefs, isProbeOnly, telemetryDeadlineMs } from '../../activities/drivers/specs';
import { DeviceAuthError, DeviceConfigError, DeviceTimeoutError } from '../../activities/errors';
import { callFor, rejectionOf, target, useSimulator } from './support';
import { secretsFrom } from '../support/secrets';

const ADMIN = { name: 'admin', authProtocol: 'sha', authKey: 'admin-auth-key', privProtocol: 'aes', privKey: 'admin-priv-key' } as const;
const simulator = useSimulator({
  devices: [
    { kind: 'switch', id: 'core-sw', community: 'switch-community', users: [ADMIN], description: 'Core switch, 48 ports' },
    { kind: 'pdu', id: 'pdu-1', community: 'pdu-community', outlets: { 1: 'core-sw' } },
  ],
});

const secrets = secretsFrom({ SWITCH_COMMUNITY: 'switch-community', SWITCH_WRONG: 'not-the-community', SWITCH_AUTH: ADMIN.authKey, SWITCH_PRIV: ADMIN.privKey, WRONG_KEY: 'not-the-auth-key' });
const RESPONSE_MS = 300;
const V3_ADMIN: SnmpUserAccess = {
  version: '3',
  user: 'admin',
  auth: { protocol: 'sha', key: { secret: 'SWITCH_AUTH' } },
  priv: { protocol: 'aes', key: { secret: 'SWITCH_PRIV' } },
};

function networkSwitch(overrides: Partial<SnmpDriverSpec> = {}) {
  const driver: SnmpDriverSpec = {
    type: 'snmp',
    host: '127.0.0.1',
    port: simulator.device('core-sw').port,
    access: { version: '2c', community: { secret: 'SWITCH_COMMUNITY' } },
    oid: SYS_UP_TIME_OID,
    timeouts: { responseMs: RESPONSE_MS },
    ...overrides,
  };
  return target('core-sw', driver);
}

const call = (machine: ReturnType<typeof networkSwitch>) => callFor(machine, { secrets });

beforeEach(() => {
  simulator.device('pdu-1', 'pdu').setOutlet(1, 'on');
});

describe('snmp driver (anything that answers SNMP, watched, never switched)', () => {
  it('when the switch answers sysUpTime.0, then probe reads on, with how long it has been up', async () => {
    await expect(snmp.probe(call(networkSwitch()))).resolves.toEqual({ power: 'on', detail: expect.stringMatching(/^up \d+ (s|min \d+ s) \(sysUpTime\.0\)$/) });
  });

  it('when the block names another object, then probe reads that one and its detail says what it read', async () => {
    const machine = networkSwitch({ oid: '1.3.6.1.2.1.1.1.0' });
    await expect(snmp.probe(call(machine))).resolves.toEqual({ power: 'on', detail: '1.3.6.1.2.1.1.1.0 = "Core switch, 48 ports"' });
  });

  it('when a v3 user authenticates (SHA) with privacy (AES), then probe reads on; with a wrong key, DeviceAuthError', async () => {
    await expect(snmp.probe(call(networkSwitch({ access: V3_ADMIN })))).resolves.toMatchObject({ power: 'on' });
    const wrongKey = { ...V3_ADMIN, auth: { protocol: 'sha' as const, key: { secret: 'WRONG_KEY' } } };
    const error = await rejectionOf(snmp.probe(call(networkSwitch({ access: wrongKey }))));
    expect(error).toBeInstanceOf(DeviceAuthError);
    expect((error as DeviceAuthError).problem).toMatch(/^the agent refused the SNMPv3 credentials: Wrong Digest/);
  });

  it('when the community is wrong, then DeviceTimeoutError at its step deadline, naming machine, address, step, elapsed time and the community as a cause', async () => {
    const error = await rejectionOf(snmp.probe(call(networkSwitch({ access: { version: '2c', community: { secret: 'SWITCH_WRONG' } } }))));
    expect(error).toBeInstanceOf(DeviceTimeoutError);
    expect(error.message).toMatch(
      /^core-sw "Test core-sw" at 127\.0\.0\.1:\d+: no answer within 300 ms: the agent is off or unreachable, or the community is wrong \(an SNMP 2c agent does not answer a community it does not know\) at step "read object" \(elapsed \d+ ms\)$/,
    );
  });

  it('when the agent lacks the object, then DeviceConfigError naming the OID, for v2c\'s noSuchObject and v1\'s noSuchName', async () => {
    const missing = '1.3.6.1.4.1.32473.1.0';
    const v2c = await rejectionOf(snmp.probe(call(networkSwitch({ oid: missing }))));
    expect(v2c).toBeInstanceOf(DeviceConfigError);
    expect((v2c as DeviceConfigError).problem).toBe(`the agent has no ${missing}: NoSuchObject: ${missing} (check oid)`);
    const v1 = await rejectionOf(snmp.probe(call(networkSwitch({ oid: missing, access: { version: '1', community: { secret: 'SWITCH_COMMUNITY' } } }))));
    expect(v1).toBeInstanceOf(DeviceConfigError);
    expect((v1 as DeviceConfigError).problem).toBe(`noSuchName for ${missing} (SNMPv1 for an object the agent lacks): check oid and the community`);
  });

  it('when the switch has lost its mains (its PDU outlet off) or hangs, then DeviceTimeoutError', async () => {
    simulator.device('pdu-1', 'pdu').setOutlet(1, 'off');
    expect(await rejectionOf(snmp.probe(call(networkSwitch())))).toBeInstanceOf(DeviceTimeoutError);
    simulator.device('pdu-1', 'pdu').setOutlet(1, 'on');
    simulator.device('core-sw').setFault({ mode: 'hang' });
    expect(await rejectionOf(snmp.probe(call(networkSwitch())))).toBeInstanceOf(DeviceTimeoutError);
  });

  it('when the switch answers late but within the response timeout, then the probe reads it', async () => {
    simulator.device('core-sw').setFault({ mode: 'slow', delayMs: 100 });
    await expect(snmp.probe(call(networkSwitch()))).resolves.toMatchObject({ power: 'on' });
  });

  it('when it is told to switch, then DeviceConfigError saying it is probe only, and nothing is sent', async () => {
    const error = await rejectionOf(snmp.setPower(call(networkSwitch()), 'off'));
    expect(error).toBeInstanceOf(DeviceConfigError);
    expect(error.message).toMatch(/^core-sw "Test core-sw" at 127\.0\.0\.1:\d+: the machine is probe only: an snmp machine is watched, never switched; it takes no power commands at step "set power"/);
  });

  it('then the family is probe only, without aspects or telemetry, and its deadline is one request (two with v3\'s engine discovery)', () => {
    const { driver } = networkSwitch();
    expect(isProbeOnly(driver)).toBe(true);
    expect(driverAspects(driver)).toEqual({});
    expect(telemetryDeadlineMs(driver)).toBeUndefined();
    expect(deviceCallDeadlineMs(driver)).toBe(RESPONSE_MS);
    expect(deviceCallDeadlineMs(networkSwitch({ access: V3_ADMIN }).driver)).toBe(2 * RESPONSE_MS);
    expect(driverSecretRefs(networkSwitch({ access: V3_ADMIN }).driver)).toEqual([{ secret: 'SWITCH_AUTH' }, { secret: 'SWITCH_PRIV' }]);
  });
});

describe('snmp driver block', () => {
  const specOf = (block: unknown) => toDriverSpec(driverSchema.parse(block), '10.20.0.2');

  it('when only the community is given, then SNMP v2c on port 161 reads sysUpTime.0 within 2 s', () => {
    expect(specOf({ type: 'snmp', community: { secret: 'SWITCH_COMMUNITY' } })).toEqual({
      type: 'snmp',
      host: '10.20.0.2',
      port: 161,
      access: { version: '2c', community: { secret: 'SWITCH_COMMUNITY' } },
      oid: '1.3.6.1.2.1.1.3.0',
      timeouts: { responseMs: 2000 },
    });
  });

  it('when a v3 user, an OID with a leading dot and a timeout are given, then the spec holds them', () => {
    const block = { type: 'snmp', version: 3, user: 'monitor', authProtocol: 'sha256', authKey: { secret: 'SW_AUTH' }, oid: '.1.3.6.1.2.1.1.5.0', timeouts: { response: '500ms' } };
    expect(specOf(block)).toMatchObject({ access: { version: '3', user: 'monitor', auth: { protocol: 'sha256', key: { secret: 'SW_AUTH' } } }, oid: '1.3.6.1.2.1.1.5.0', timeouts: { responseMs: 500 } });
  });

  it('when the community is missing or the OID is not numeric, then the block is rejected saying so', () => {
    expect(driverSchema.safeParse({ type: 'snmp' }).error?.issues.map((issue) => issue.message)).toEqual([
      'SNMP 2c needs community: { secret: NAME }, one the agent answers (read-only is enough)',
    ]);
    expect(driverSchema.safeParse({ type: 'snmp', community: { secret: 'C' }, oid: 'sysUpTime.0' }).error?.issues.map((issue) => issue.message)).toEqual([
      'expected a numeric OID like 1.3.6.1.2.1.1.3.0 (sysUpTime.0)',
    ]);
  });
});
