import { afterEach, describe, expect, it } from 'vitest';
import { InvalidSettingError } from '../../simulator/index';
import { Peer, cleanUp, pause, startDevice } from './helpers';

const CRLF = '\r\n';

afterEach(cleanUp);

describe('tcp amplifier', () => {
  it('when a banner is configured, then it is the first line of every connection', async () => {
    const { device } = await startDevice({ id: 'amp', kind: 'tcp', banner: 'AMP-4000 ready' });
    const peer = await Peer.connect(device.port);
    expect(await peer.nextLine(CRLF)).toBe('AMP-4000 ready');
    expect(await peer.ask('POWER?', CRLF)).toBe('POWER OFF');
  });

  it('when no banner is configured, then the device says nothing until asked', async () => {
    const { device } = await startDevice({ id: 'amp', kind: 'tcp' });
    const peer = await Peer.connect(device.port);
    await pause(100);
    expect(peer.received.length).toBe(0);
  });

  it('when POWER ON and POWER OFF are sent, then each is answered OK, takes effect at once and is logged', async () => {
    const { device } = await startDevice({ id: 'amp', kind: 'tcp' });
    const peer = await Peer.connect(device.port);
    expect(await peer.ask('POWER ON', CRLF)).toBe('OK');
    expect(device.power).toBe('on');
    expect(await peer.ask('POWER?', CRLF)).toBe('POWER ON');
    expect(await peer.ask('POWER OFF', CRLF)).toBe('OK');
    expect(await peer.ask('POWER?', CRLF)).toBe('POWER OFF');
    expect(device.commands.map((c) => c.command)).toEqual(['POWER ON', 'POWER OFF']);
  });

  it('when anything else is sent, then the answer is ERR and nothing changes', async () => {
    const { device } = await startDevice({ id: 'amp', kind: 'tcp' });
    const peer = await Peer.connect(device.port);
    for (const line of ['power on', 'POWER  ON', 'POWER', 'HELLO', '']) expect(await peer.ask(line, CRLF)).toBe('ERR');
    expect(device.power).toBe('off');
    expect(device.commands).toEqual([]);
  });

  it('when a command ends with a bare CR or LF, then it is not a complete line and gets no answer', async () => {
    const { device } = await startDevice({ id: 'amp', kind: 'tcp' });
    const peer = await Peer.connect(device.port);
    peer.send('POWER?\r');
    peer.send('POWER?\n');
    await pause(100);
    expect(peer.received.length).toBe(0);
  });

  it('when two commands arrive in one packet, then both are answered in order', async () => {
    const { device } = await startDevice({ id: 'amp', kind: 'tcp', initialPower: 'on' });
    const peer = await Peer.connect(device.port);
    peer.send(`POWER?${CRLF}POWER OFF${CRLF}`);
    expect(await peer.nextLine(CRLF)).toBe('POWER ON');
    expect(await peer.nextLine(CRLF)).toBe('OK');
  });

  it('when several clients connect, then all are served', async () => {
    const { device } = await startDevice({ id: 'amp', kind: 'tcp' });
    const peers = await Promise.all([Peer.connect(device.port), Peer.connect(device.port)]);
    for (const peer of peers) expect(await peer.ask('POWER?', CRLF)).toBe('POWER OFF');
    expect(device.openConnections).toBe(2);
  });
});

describe('tcp amplifier volume and mute', () => {
  it('when nothing is configured, then it answers volume 50 and mute off, whether on or off', async () => {
    const { device } = await startDevice({ id: 'amp', kind: 'tcp' });
    const peer = await Peer.connect(device.port);
    expect(await peer.ask('VOLUME?', CRLF)).toBe('VOLUME 50');
    expect(await peer.ask('MUTE?', CRLF)).toBe('MUTE OFF');
  });

  it('when an initial volume and mute are configured, then it answers them', async () => {
    const { device } = await startDevice({ id: 'amp', kind: 'tcp', initialVolume: 0, initialMute: true });
    const peer = await Peer.connect(device.port);
    expect(await peer.ask('VOLUME?', CRLF)).toBe('VOLUME 0');
    expect(await peer.ask('MUTE?', CRLF)).toBe('MUTE ON');
  });

  it('when VOLUME and MUTE are set while on, then each is answered OK, takes effect and is logged', async () => {
    const { device } = await startDevice({ id: 'amp', kind: 'tcp', initialPower: 'on' });
    const peer = await Peer.connect(device.port);
    expect(await peer.ask('VOLUME 40', CRLF)).toBe('OK');
    expect(await peer.ask('VOLUME?', CRLF)).toBe('VOLUME 40');
    expect(await peer.ask('VOLUME 100', CRLF)).toBe('OK');
    expect(await peer.ask('VOLUME 0', CRLF)).toBe('OK');
    expect(await peer.ask('MUTE ON', CRLF)).toBe('OK');
    expect(await peer.ask('MUTE?', CRLF)).toBe('MUTE ON');
    expect(await peer.ask('MUTE OFF', CRLF)).toBe('OK');
    expect([device.volume, device.muted]).toEqual([0, false]);
    expect(device.commands.map((c) => c.command)).toEqual(['VOLUME 40', 'VOLUME 100', 'VOLUME 0', 'MUTE ON', 'MUTE OFF']);
  });

  it('when VOLUME or MUTE is set while off, or the volume is over 100, then it answers ERR, logs the rejection and changes nothing', async () => {
    const { device } = await startDevice({ id: 'amp', kind: 'tcp' });
    const peer = await Peer.connect(device.port);
    expect(await peer.ask('VOLUME 40', CRLF)).toBe('ERR');
    expect(await peer.ask('MUTE ON', CRLF)).toBe('ERR');
    expect(await peer.ask('POWER ON', CRLF)).toBe('OK');
    expect(await peer.ask('VOLUME 101', CRLF)).toBe('ERR');
    expect(await peer.ask('VOLUME?', CRLF)).toBe('VOLUME 50');
    expect(await peer.ask('MUTE?', CRLF)).toBe('MUTE OFF');
    expect(device.commands.map((c) => c.command)).toEqual(['ERR VOLUME 40', 'ERR MUTE ON', 'POWER ON', 'ERR VOLUME 101']);
  });

  it('when a volume or mute line is malformed, then it answers ERR and logs nothing, as for any unknown line', async () => {
    const { device } = await startDevice({ id: 'amp', kind: 'tcp', initialPower: 'on' });
    const peer = await Peer.connect(device.port);
    for (const line of ['VOLUME -1', 'VOLUME x', 'VOLUME', 'volume 40', 'MUTE on', 'MUTE', 'MUTE? ']) {
      expect(await peer.ask(line, CRLF)).toBe('ERR');
    }
    expect(device.commands).toEqual([]);
  });

  it('when the control API sets volume and mute, then they change in any power state without a log entry; a volume outside 0-100 throws', async () => {
    const { device } = await startDevice({ id: 'amp', kind: 'tcp' });
    device.setVolume(75);
    device.setMuted(true);
    const peer = await Peer.connect(device.port);
    expect(await peer.ask('VOLUME?', CRLF)).toBe('VOLUME 75');
    expect(await peer.ask('MUTE?', CRLF)).toBe('MUTE ON');
    expect(() => device.setVolume(-1)).toThrow(InvalidSettingError);
    expect(() => device.setVolume(2.5)).toThrow(InvalidSettingError);
    expect(device.commands).toEqual([]);
  });
});
