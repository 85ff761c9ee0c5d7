/**
 * A fault a power cycle clears (`clearedBy: power-cycle`): a device that hangs, as a locked-up
 * firmware does, until its PDU outlet is switched off, and is healthy once the outlet is on again.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { InvalidFaultError, type DeviceConfig } from '../../simulator/index';
import { Peer, cleanUp, eventually, pause, startDevices, url } from './helpers';

const CRLF = '\r\n';
const HANG_UNTIL_POWER_CYCLE = { mode: 'hang', clearedBy: 'power-cycle' } as const;
/** Long enough to show nothing comes, not a deadline the device must meet. */
const SILENCE_MS = 200;

afterEach(cleanUp);

async function startOnOutlet(device: DeviceConfig) {
  const simulator = await startDevices([{ id: 'pdu', kind: 'pdu', outlets: { 1: device.id } }, device]);
  return { simulator, pdu: simulator.device('pdu', 'pdu'), device: simulator.device(device.id) };
}

describe('a hang that a power cycle clears', () => {
  it('when a line device hangs until a power cycle, then it sends nothing until its outlet goes off and on, then greets and answers', async () => {
    const { pdu, device } = await startOnOutlet({ id: 'amp', kind: 'tcp', banner: 'AMP ready', initialPower: 'on', fault: HANG_UNTIL_POWER_CYCLE });
    const hung = await Peer.connect(device.port);
    hung.send(`POWER?${CRLF}`);
    await pause(SILENCE_MS);
    expect(hung.received.length).toBe(0);

    pdu.setOutlet(1, 'off');
    await hung.waitForClose();
    pdu.setOutlet(1, 'on');
    const peer = await Peer.connect(device.port);
    expect(await peer.nextLine(CRLF)).toBe('AMP ready');
    expect(await peer.ask('POWER?', CRLF)).toBe('POWER ON');
    expect(device.commands.map((entry) => entry.command)).toEqual(['MAINS OFF', 'MAINS ON']);
  });

  it('when a projector hangs until a power cycle, then it greets no one until its outlet goes off and on', async () => {
    const { pdu, device } = await startOnOutlet({ id: 'proj', kind: 'pjlink', fault: HANG_UNTIL_POWER_CYCLE });
    const hung = await Peer.connect(device.port);
    await pause(SILENCE_MS);
    expect(hung.received.length).toBe(0);

    pdu.setOutlet(1, 'off');
    // It serves one client at a time: the hung connection, cut with the mains, must be gone first.
    await hung.waitForClose();
    pdu.setOutlet(1, 'on');
    const peer = await Peer.connect(device.port);
    expect(await peer.nextLine('\r')).toBe('PJLINK 0');
  });

  it('when a player hangs until a power cycle, then its requests get no response until its outlet goes off and on', async () => {
    const { pdu, device } = await startOnOutlet({ id: 'player', kind: 'http', initialPower: 'on', fault: HANG_UNTIL_POWER_CYCLE });
    const statusUrl = url(device.port, '/api/v1/power');
    await expect(fetch(statusUrl, { signal: AbortSignal.timeout(SILENCE_MS) })).rejects.toMatchObject({ name: 'TimeoutError' });

    pdu.setOutlet(1, 'off');
    pdu.setOutlet(1, 'on');
    await eventually(async () => expect(await (await fetch(statusUrl)).json()).toEqual({ power: 'on' }));
  });

  it('when the device is only switched off and on by its own protocol, then the hang stays: only losing mains clears it', async () => {
    const { device } = await startOnOutlet({ id: 'amp', kind: 'tcp', initialPower: 'on', fault: HANG_UNTIL_POWER_CYCLE });
    device.setPower('off');
    device.setPower('on');
    const peer = await Peer.connect(device.port);
    peer.send(`POWER?${CRLF}`);
    await pause(SILENCE_MS);
    expect(peer.received.length).toBe(0);
  });

  it('when a fault names another clearing, then it is refused', () => {
    return startDevices([{ id: 'amp', kind: 'tcp' }]).then((simulator) => {
      expect(() => simulator.device('amp').setFault({ mode: 'hang', clearedBy: 'reboot' } as never)).toThrow(InvalidFaultError);
    });
  });
});
