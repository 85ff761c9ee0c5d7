import { afterEach, describe, expect, it } from 'vitest';
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
