/**
 * The simulated network switch driven by Debian's net-snmp tools: MIB-II's system group for its
 * community and v3 users, nothing for a stranger, nothing without mains, and the SNMP faults.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadSimulatorConfig, SimulatorConfigError, startSimulator, type DeviceConfig } from '../../simulator/index';
import { cleanUp, eventually, pause, startDevices } from './helpers';
import { NO_ANSWER_WITHIN_S, tool, v2c, v3 } from './snmp-tools';

const SYS_DESCR = '.1.3.6.1.2.1.1.1.0';
const SYS_UP_TIME = '.1.3.6.1.2.1.1.3.0';
const SYS_NAME = '.1.3.6.1.2.1.1.5.0';
const ADMIN = { name: 'admin', authProtocol: 'sha', authKey: 'admin-auth-key', privProtocol: 'aes', privKey: 'admin-priv-key' } as const;
/** `-Oqv` prints TimeTicks as d:h:m:s.hundredths. */
const TICKS = /^(\d+):(\d+):(\d+):(\d+)\.(\d+)$/;

afterEach(cleanUp);

async function startSwitch(overrides: Partial<Extract<DeviceConfig, { kind: 'switch' }>> = {}, pduOutlet?: 'on' | 'off') {
  const network: DeviceConfig = { id: 'core-sw', kind: 'switch', community: 'switch-ro', users: [ADMIN], ...overrides };
  const pdu: DeviceConfig[] = pduOutlet ? [{ id: 'pdu', kind: 'pdu', community: 'pdu-rw', outlets: { 1: 'core-sw' }, initialOutlets: { 1: pduOutlet } }] : [];
  const simulator = await startDevices([network, ...pdu]);
  return { simulator, device: simulator.device('core-sw', 'switch') };
}

function uptimeSeconds(text: string): number {
  const [, days = '0', hours = '0', minutes = '0', seconds = '0'] = TICKS.exec(text) ?? [];
  return ((Number(days) * 24 + Number(hours)) * 60 + Number(minutes)) * 60 + Number(seconds);
}

describe('switch against the net-snmp command line tools', () => {
  it('when snmpget reads the system group, then sysDescr, sysUpTime and sysName answer, the name being the device id', async () => {
    const { device } = await startSwitch({ description: 'Access switch, 48 ports' });
    const read = await tool('snmpget', [...v2c('switch-ro', device.port), SYS_DESCR, SYS_UP_TIME, SYS_NAME]);
    expect(read.code).toBe(0);
    const [descr, uptime, name] = read.stdout.split('\n');
    expect(descr).toBe('"Access switch, 48 ports"');
    expect(uptime).toMatch(TICKS);
    expect(name).toBe('"core-sw"');
  });

  it('when a v3 user with SHA authentication and AES privacy reads, then it is answered; an unknown user gets the agent\'s report', async () => {
    const { device } = await startSwitch();
    expect(await tool('snmpget', [...v3(device.port, ADMIN), SYS_NAME])).toMatchObject({ code: 0, stdout: '"core-sw"' });
    expect((await tool('snmpget', [...v3(device.port, { ...ADMIN, name: 'stranger' }), SYS_NAME])).stderr).toContain('Unknown user name');
  });

  it('when the community is wrong, then nothing is answered; an object it lacks is noSuchObject, and a SET notWritable', async () => {
    const { device } = await startSwitch();
    expect((await tool('snmpget', [...v2c('public', device.port), SYS_NAME], NO_ANSWER_WITHIN_S)).stderr).toContain('Timeout: No Response');
    expect(await tool('snmpget', [...v2c('switch-ro', device.port), '.1.3.6.1.4.1.32473.1.0'])).toMatchObject({ code: 0, stdout: 'No Such Object available on this agent at this OID' });
    expect((await tool('snmpset', [...v2c('switch-ro', device.port), SYS_NAME, 's', 'renamed'])).stderr).toContain('Reason: notWritable');
  });

  it('when the PDU outlet feeding it goes off, then it answers nothing; on again, it boots and answers with sysUpTime counted from then', async () => {
    const { simulator, device } = await startSwitch({ bootMs: 300 }, 'on');
    await pause(2_100);
    const before = await tool('snmpget', [...v2c('switch-ro', device.port), SYS_UP_TIME]);
    expect(uptimeSeconds(before.stdout)).toBeGreaterThanOrEqual(2);

    const pdu = simulator.device('pdu', 'pdu');
    pdu.setOutlet(1, 'off');
    expect(device.power).toBe('off');
    expect((await tool('snmpget', [...v2c('switch-ro', device.port), SYS_NAME], NO_ANSWER_WITHIN_S)).stderr).toContain('Timeout: No Response');

    pdu.setOutlet(1, 'on');
    expect(device.power).toBe('warming');
    await eventually(() => expect(device.power).toBe('on'));
    const after = await tool('snmpget', [...v2c('switch-ro', device.port), SYS_UP_TIME]);
    expect(uptimeSeconds(after.stdout)).toBeLessThan(uptimeSeconds(before.stdout));
    expect(device.commands.map((entry) => entry.command)).toEqual(['MAINS OFF', 'MAINS ON']);
  });

  it('when an outlet feeding it is off at start, then it answers nothing until the outlet comes on', async () => {
    const { simulator, device } = await startSwitch({}, 'off');
    expect(device.power).toBe('off');
    expect((await tool('snmpget', [...v2c('switch-ro', device.port), SYS_NAME], NO_ANSWER_WITHIN_S)).stderr).toContain('Timeout: No Response');
    simulator.device('pdu', 'pdu').setOutlet(1, 'on');
    expect(await tool('snmpget', [...v2c('switch-ro', device.port), SYS_NAME])).toMatchObject({ code: 0, stdout: '"core-sw"' });
  });

  it('when a demo file declares a switch on its own address and a PDU outlet feeding it, then it loads with the defaults filled in', () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'showctl-switch-'));
    try {
      const file = path.join(folder, 'devices.yaml');
      writeFileSync(file, [
        'devices:',
        '  - { id: pdu, kind: pdu, host: 127.0.50.1, port: ${DEMO_SNMP_PORT:-16100}, outlets: { 6: core-sw } }',
        '  - { id: core-sw, kind: switch, host: 127.0.50.2, port: ${DEMO_SNMP_PORT:-16100}, community: "${SWITCH_COMMUNITY}" }',
      ].join('\n'));
      const { devices } = loadSimulatorConfig(file, { SWITCH_COMMUNITY: 'demo-switch' });
      expect(devices[1]).toEqual({
        id: 'core-sw', kind: 'switch', host: '127.0.50.2', port: 16100, initialPower: 'on', community: 'demo-switch', users: [], description: 'Simulated 24-port Gigabit Ethernet switch', bootMs: 0,
      });
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  describe('faults', () => {
    it('when it hangs or refuses, then nothing is answered; cleared, it answers again', async () => {
      const { device } = await startSwitch();
      for (const mode of ['hang', 'refuse'] as const) {
        device.setFault({ mode });
        expect((await tool('snmpget', [...v2c('switch-ro', device.port), SYS_NAME], NO_ANSWER_WITHIN_S)).stderr).toContain('Timeout: No Response');
      }
      device.setFault(undefined);
      expect(await tool('snmpget', [...v2c('switch-ro', device.port), SYS_NAME])).toMatchObject({ code: 0 });
    });

    it('when it is slow, then the answer comes after the delay', async () => {
      const { device } = await startSwitch({ fault: { mode: 'slow', delayMs: 700 } });
      expect((await tool('snmpget', [...v2c('switch-ro', device.port), SYS_NAME], NO_ANSWER_WITHIN_S)).stderr).toContain('Timeout: No Response');
      expect(await tool('snmpget', [...v2c('switch-ro', device.port), SYS_NAME])).toMatchObject({ code: 0, stdout: '"core-sw"' });
    });

    it('when it flaps, then it answers in its healthy half and not in its refusing half', async () => {
      const { device } = await startSwitch({ fault: { mode: 'flapping', periodMs: 1_500 } });
      expect(await tool('snmpget', [...v2c('switch-ro', device.port), SYS_NAME])).toMatchObject({ code: 0 });
      await pause(1_700);
      expect((await tool('snmpget', [...v2c('switch-ro', device.port), SYS_NAME], NO_ANSWER_WITHIN_S)).stderr).toContain('Timeout: No Response');
    });

    it('when it hangs until a power cycle, then its outlet switched off and on brings it back', async () => {
      const { simulator, device } = await startSwitch({ fault: { mode: 'hang', clearedBy: 'power-cycle' } }, 'on');
      expect((await tool('snmpget', [...v2c('switch-ro', device.port), SYS_NAME], NO_ANSWER_WITHIN_S)).stderr).toContain('Timeout: No Response');
      const pdu = simulator.device('pdu', 'pdu');
      pdu.setOutlet(1, 'off');
      pdu.setOutlet(1, 'on');
      expect(await tool('snmpget', [...v2c('switch-ro', device.port), SYS_NAME])).toMatchObject({ code: 0, stdout: '"core-sw"' });
    });

    it('when a switch is given a TCP fault, then the config is rejected naming the faults it takes', async () => {
      const error = await startSimulator({ devices: [{ id: 'sw', kind: 'switch', fault: { mode: 'endless' } }] }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SimulatorConfigError);
      expect((error as SimulatorConfigError).problems).toEqual([
        { path: 'devices[0].fault.mode', message: 'a switch (SNMP over UDP) takes the faults hang, refuse, flapping, slow, garbage, not endless' },
      ]);
    });
  });
});
