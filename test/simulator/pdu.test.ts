/**
 * The simulated PDU driven by someone else's SNMP client, Debian's net-snmp command line tools
 * (`snmpget`, `snmpset`, package `snmp`), so a misreading of SNMP shared by our agent and the
 * driver's library would show here; and what its outlets do to the devices plugged into them.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { SimulatorConfigError, startSimulator, type DeviceConfig, type DeviceEvent } from '../../simulator/index';
import { Peer, cleanUp, connectOutcome, eventually, startDevices } from './helpers';
import { NO_ANSWER_WITHIN_S, tool, v2c, v3 } from './snmp-tools';

const HOST = '127.0.0.1';
const OUTLET_STATE = '.1.3.6.1.4.1.318.1.1.12.3.5.1.1.4';
const OUTLET_COMMAND = '.1.3.6.1.4.1.318.1.1.12.3.3.1.1.4';
const IMMEDIATE = { on: '1', off: '2', reboot: '3' };
const ADMIN = { name: 'admin', authProtocol: 'sha', authKey: 'admin-auth-key', privProtocol: 'aes', privKey: 'admin-priv-key' } as const;

afterEach(cleanUp);

async function startPdu(pdu: Partial<Extract<DeviceConfig, { kind: 'pdu' }>> = {}, plugged: DeviceConfig[] = []) {
  const events: DeviceEvent[] = [];
  const simulator = await startDevices([{ id: 'pdu', kind: 'pdu', community: 'private', ...pdu }, ...plugged]);
  simulator.device('pdu').observe((event) => events.push(event));
  for (const device of plugged) simulator.device(device.id).observe((event) => events.push(event));
  return { simulator, pdu: simulator.device('pdu', 'pdu'), events };
}

describe('pdu against the net-snmp command line tools', () => {
  it('when snmpget reads outlets, then each reads outletStatusOn (1) or outletStatusOff (2) as it is, and its command column immediateOn or immediateOff alike', async () => {
    const { pdu } = await startPdu({ outletCount: 4, initialOutlets: { 2: 'off' } });
    const read = await tool('snmpget', [...v2c('private', pdu.port), `${OUTLET_STATE}.1`, `${OUTLET_STATE}.2`, `${OUTLET_COMMAND}.1`, `${OUTLET_COMMAND}.2`]);
    expect(read).toMatchObject({ code: 0, stdout: ['1', '2', '1', '2'].join('\n') });
  });

  it('when snmpset switches an outlet off and on, then it reads so, the PDU logs both commands, and the device plugged in loses and regains mains after each', async () => {
    const { pdu, simulator, events } = await startPdu({ outlets: { 3: 'amp' } }, [{ id: 'amp', kind: 'tcp', initialPower: 'on' }]);
    const amp = simulator.device('amp');
    expect(await connectOutcome(amp.port)).toBe('connected');

    expect(await tool('snmpset', [...v2c('private', pdu.port), `${OUTLET_COMMAND}.3`, 'i', IMMEDIATE.off])).toMatchObject({ code: 0, stdout: IMMEDIATE.off });
    expect(await tool('snmpget', [...v2c('private', pdu.port), `${OUTLET_STATE}.3`])).toMatchObject({ code: 0, stdout: '2' });
    expect(amp.power).toBe('off');
    expect(await connectOutcome(amp.port)).toBe('ECONNREFUSED');

    expect(await tool('snmpset', [...v2c('private', pdu.port), `${OUTLET_COMMAND}.3`, 'i', IMMEDIATE.on])).toMatchObject({ code: 0 });
    expect(pdu.outlet(3)).toBe('on');
    expect(amp.power).toBe('on');
    await eventually(async () => expect(await connectOutcome(amp.port)).toBe('connected'));

    const commands = events.filter((event) => event.type === 'command').map((event) => `${event.device}: ${event.command}`);
    expect(commands).toEqual(['pdu: outlet 3 immediateOff', 'amp: MAINS OFF', 'pdu: outlet 3 immediateOn', 'amp: MAINS ON']);
  });

  it('when the community is wrong, then the PDU does not answer at all and does nothing, while the right one still gets answers', async () => {
    const { pdu } = await startPdu();
    const wrong = await tool('snmpset', [...v2c('public', pdu.port), `${OUTLET_COMMAND}.1`, 'i', IMMEDIATE.off], NO_ANSWER_WITHIN_S);
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toContain('Timeout: No Response');
    expect(pdu.outlet(1)).toBe('on');
    expect(pdu.commands).toEqual([]);
    expect(await tool('snmpget', [...v2c('private', pdu.port), `${OUTLET_STATE}.1`])).toMatchObject({ code: 0, stdout: '1' });
  });

  it('when the read-only community sets an outlet, then the answer is noAccess and the outlet stays as it was', async () => {
    const { pdu } = await startPdu({ readOnlyCommunity: 'public' });
    expect(await tool('snmpget', [...v2c('public', pdu.port), `${OUTLET_STATE}.1`])).toMatchObject({ code: 0, stdout: '1' });
    const set = await tool('snmpset', [...v2c('public', pdu.port), `${OUTLET_COMMAND}.1`, 'i', IMMEDIATE.off]);
    expect(set.stderr).toContain('Reason: noAccess');
    expect(pdu.outlet(1)).toBe('on');
  });

  it('when an outlet the PDU lacks is read or set, then the read is noSuchInstance and the set noCreation (v2c), noSuchName (v1)', async () => {
    const { pdu } = await startPdu({ outletCount: 8 });
    expect(await tool('snmpget', [...v2c('private', pdu.port), `${OUTLET_STATE}.9`])).toMatchObject({ code: 0, stdout: 'No Such Instance currently exists at this OID' });
    expect((await tool('snmpset', [...v2c('private', pdu.port), `${OUTLET_COMMAND}.9`, 'i', IMMEDIATE.on])).stderr).toContain('Reason: noCreation');
    expect((await tool('snmpget', ['-v1', '-c', 'private', `${HOST}:${pdu.port}`, `${OUTLET_STATE}.9`])).stderr).toContain('Reason: (noSuchName)');
  });

  it('when a command the simulator does not take or a read-only object is set, then wrongValue and notWritable, and the outlet stays as it was', async () => {
    const { pdu } = await startPdu();
    expect((await tool('snmpset', [...v2c('private', pdu.port), `${OUTLET_COMMAND}.1`, 'i', '4'])).stderr).toContain('Reason: wrongValue');
    expect((await tool('snmpset', [...v2c('private', pdu.port), `${OUTLET_STATE}.1`, 'i', IMMEDIATE.off])).stderr).toContain('Reason: notWritable');
    expect(pdu.outlet(1)).toBe('on');
    expect(pdu.commands.map((entry) => entry.command)).toEqual(['wrongValue outlet 1 delayedOn']);
  });

  it('when a v3 user with SHA authentication and AES privacy reads and switches an outlet, then it works; a wrong key and an unknown user get the agent\'s reports', async () => {
    const { pdu } = await startPdu({ users: [ADMIN] });
    expect(await tool('snmpget', [...v3(pdu.port, ADMIN), `${OUTLET_STATE}.2`])).toMatchObject({ code: 0, stdout: '1' });
    expect(await tool('snmpset', [...v3(pdu.port, ADMIN), `${OUTLET_COMMAND}.2`, 'i', IMMEDIATE.off])).toMatchObject({ code: 0 });
    expect(pdu.outlet(2)).toBe('off');

    const wrongAuth = await tool('snmpget', [...v3(pdu.port, { ...ADMIN, authKey: 'not-the-auth-key' }), `${OUTLET_STATE}.2`]);
    expect(wrongAuth.stderr).toContain('Authentication failure (incorrect password, community or key)');
    const wrongPriv = await tool('snmpget', [...v3(pdu.port, { ...ADMIN, privKey: 'not-the-priv-key' }), `${OUTLET_STATE}.2`]);
    expect(wrongPriv.stderr).toContain('Decryption error');
    const stranger = await tool('snmpget', [...v3(pdu.port, { ...ADMIN, name: 'stranger' }), `${OUTLET_STATE}.2`]);
    expect(stranger.stderr).toContain('Unknown user name');
  });

  it('when an outlet is rebooted, then it is off at once and on again after the reboot delay, and its device back in its power-on state', async () => {
    const { pdu, simulator } = await startPdu({ rebootDelayMs: 300, outlets: { 1: 'amp' } }, [{ id: 'amp', kind: 'tcp', initialPower: 'on' }]);
    expect(await tool('snmpset', [...v2c('private', pdu.port), `${OUTLET_COMMAND}.1`, 'i', IMMEDIATE.reboot])).toMatchObject({ code: 0 });
    expect(pdu.outlet(1)).toBe('off');
    expect(simulator.device('amp').power).toBe('off');
    await eventually(() => expect(pdu.outlet(1)).toBe('on'), 5_000);
    expect(simulator.device('amp').power).toBe('on');
    expect(simulator.device('amp').commands.map((entry) => entry.command)).toEqual(['MAINS OFF', 'MAINS ON']);
  });

  it('when the PDU hangs or has lost its own mains, then nothing is answered, and without mains every device it feeds is off', async () => {
    const { pdu, simulator } = await startPdu({ outlets: { 1: 'amp' } }, [{ id: 'amp', kind: 'tcp', initialPower: 'on' }]);
    pdu.setFault({ mode: 'hang' });
    expect((await tool('snmpget', [...v2c('private', pdu.port), `${OUTLET_STATE}.1`], NO_ANSWER_WITHIN_S)).stderr).toContain('Timeout: No Response');
    pdu.setFault(undefined);
    pdu.setPower('off');
    expect((await tool('snmpget', [...v2c('private', pdu.port), `${OUTLET_STATE}.1`], NO_ANSWER_WITHIN_S)).stderr).toContain('Timeout: No Response');
    expect(simulator.device('amp').power).toBe('off');
    pdu.setPower('on');
    expect(simulator.device('amp').power).toBe('on');
  });
});

describe('pdu outlets and the devices plugged into them', () => {
  it('when mains return, then a projector waits in standby, a PC stays off, and an amplifier and a player start as configured, the player booting first', async () => {
    const plugged: DeviceConfig[] = [
      { id: 'proj', kind: 'pjlink', initialPower: 'on', warmupMs: 0 },
      { id: 'pc', kind: 'wol', mac: '02:00:00:00:00:01', initialPower: 'on', bootMs: 0 },
      { id: 'amp', kind: 'tcp', initialPower: 'on' },
      { id: 'player', kind: 'http', initialPower: 'on', bootMs: 200 },
      { id: 'quiet-amp', kind: 'tcp', initialPower: 'off' },
    ];
    const { pdu, simulator } = await startPdu({ outlets: { 1: 'proj', 2: 'pc', 3: 'amp', 4: 'player', 5: 'quiet-amp' }, initialOutlets: { 1: 'off', 2: 'off', 3: 'off', 4: 'off', 5: 'off' } }, plugged);
    const powers = () => plugged.map((device) => simulator.device(device.id).power);
    expect(powers(), 'every outlet starts off: no device has mains').toEqual(['off', 'off', 'off', 'off', 'off']);
    expect(await connectOutcome(simulator.device('amp').port)).toBe('ECONNREFUSED');

    for (const outlet of [1, 2, 3, 4, 5]) pdu.setOutlet(outlet, 'on');
    expect(powers()).toEqual(['off', 'off', 'on', 'warming', 'off']);
    await eventually(() => expect(simulator.device('player').power).toBe('on'));
    expect(await connectOutcome(simulator.device('proj').port), 'a projector in standby still answers PJLink').toBe('connected');
  });

  it('when an outlet goes off, then the connections open to its device are cut', async () => {
    const { pdu, simulator } = await startPdu({ outlets: { 1: 'amp' } }, [{ id: 'amp', kind: 'tcp', initialPower: 'on' }]);
    const amp = simulator.device('amp');
    const peer = await Peer.connect(amp.port);
    await eventually(() => expect(amp.openConnections).toBe(1));
    pdu.setOutlet(1, 'off');
    await peer.waitForClose();
    await eventually(() => expect(amp.openConnections).toBe(0));
  });

  it('when an outlet feeds a device that is not configured, or a PDU, or a device already fed, or lies past the last outlet, then the config is rejected', async () => {
    const error = await startSimulator({
      devices: [
        { id: 'pdu-a', kind: 'pdu', outletCount: 4, outlets: { 1: 'amp', 2: 'nowhere', 3: 'pdu-b', 4: 'amp', 5: 'amp' } },
        { id: 'pdu-b', kind: 'pdu' },
        { id: 'amp', kind: 'tcp' },
      ],
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SimulatorConfigError);
    expect((error as SimulatorConfigError).problems).toEqual([
      { path: 'devices[0].outlets.5', message: 'the PDU has outlets 1 to 4' },
      { path: 'devices[0].outlets.2', message: 'no device with id "nowhere"' },
      { path: 'devices[0].outlets.3', message: '"pdu-b" is a PDU; outlets feed other devices' },
      { path: 'devices[0].outlets.4', message: '"amp" is already plugged into pdu-a outlet 1' },
      { path: 'devices[0].outlets.5', message: '"amp" is already plugged into pdu-a outlet 1' },
    ]);
  });

  it('when a pdu is given a TCP fault, then the config is rejected naming the faults it takes', async () => {
    const error = await startSimulator({ devices: [{ id: 'pdu', kind: 'pdu', fault: { mode: 'reset-mid-reply' } }] }).catch((e: unknown) => e);
    expect((error as SimulatorConfigError).problems).toEqual([
      { path: 'devices[0].fault.mode', message: 'a pdu (SNMP over UDP) takes the faults hang, refuse, flapping, slow, garbage, not reset-mid-reply' },
    ]);
  });
});
