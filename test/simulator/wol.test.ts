import { afterEach, describe, expect, it } from 'vitest';
import { cleanUp, connectOutcome, eventually, magicPacket, pause, sendDatagram, startDevice, url } from './helpers';

const MAC = 'aa:bb:cc:dd:ee:01';

afterEach(cleanUp);

async function status(port: number): Promise<unknown> {
  const response = await fetch(url(port, '/status'));
  expect(response.status).toBe(200);
  return response.json();
}

describe('wol', () => {
  it('when the PC is off, then its agent port refuses connections', async () => {
    const { device } = await startDevice({ id: 'pc', kind: 'wol', mac: MAC });
    expect(device.power).toBe('off');
    expect(await connectOutcome(device.port)).toBe('ECONNREFUSED');
  });

  it('when a magic packet for its MAC arrives, then the PC boots and the agent answers on the same port', async () => {
    const { device } = await startDevice({ id: 'pc', kind: 'wol', mac: MAC });
    const agentPort = device.port;
    await sendDatagram(device.wolPort!, magicPacket(MAC));
    await eventually(() => expect(device.power).toBe('on'));
    await eventually(async () => expect(await status(agentPort)).toEqual({ power: 'on' }));
    expect(device.port).toBe(agentPort);
    expect(device.commands.map((c) => c.command)).toEqual(['WOL']);
  });

  it('when the magic packet carries a SecureOn suffix, then it still wakes the PC', async () => {
    const { device } = await startDevice({ id: 'pc', kind: 'wol', mac: MAC.toUpperCase() });
    await sendDatagram(device.wolPort!, magicPacket(MAC, 6));
    await eventually(() => expect(device.power).toBe('on'));
  });

  it('when the magic packet is for another MAC or malformed, then the PC stays off', async () => {
    const { device } = await startDevice({ id: 'pc', kind: 'wol', mac: MAC });
    await sendDatagram(device.wolPort!, magicPacket('aa:bb:cc:dd:ee:02'));
    await sendDatagram(device.wolPort!, magicPacket(MAC).subarray(0, 101));
    await sendDatagram(device.wolPort!, magicPacket(MAC, 5));
    await sendDatagram(device.wolPort!, Buffer.concat([Buffer.alloc(6, 0xfe), magicPacket(MAC).subarray(6)]));
    await pause(100);
    expect(device.power).toBe('off');
    expect(device.commands).toEqual([]);
    expect(await connectOutcome(device.port)).toBe('ECONNREFUSED');
  });

  it('when booting takes bootMs, then the agent keeps refusing until the PC is on', async () => {
    const { device } = await startDevice({ id: 'pc', kind: 'wol', mac: MAC, bootMs: 200 });
    await sendDatagram(device.wolPort!, magicPacket(MAC));
    await eventually(() => expect(device.power).toBe('warming'));
    expect(await connectOutcome(device.port)).toBe('ECONNREFUSED');
    await eventually(async () => expect(await status(device.port)).toEqual({ power: 'on' }));
  });

  it('when the agent is told to shut down, then it answers 202 and the port refuses once the PC is off', async () => {
    const { device } = await startDevice({ id: 'pc', kind: 'wol', mac: MAC, initialPower: 'on', shutdownMs: 150 });
    const response = await fetch(url(device.port, '/shutdown'), { method: 'POST' });
    expect(response.status).toBe(202);
    expect(await status(device.port)).toEqual({ power: 'shutting-down' });
    await eventually(async () => expect(await connectOutcome(device.port)).toBe('ECONNREFUSED'));
    expect(device.power).toBe('off');
    await eventually(() => expect(device.openConnections).toBe(0));
    expect(device.commands.map((c) => c.command)).toEqual(['POST shutdown']);
  });

  it('when shutdownMs is 0, then the 202 still arrives before the PC goes off', async () => {
    const { device } = await startDevice({ id: 'pc', kind: 'wol', mac: MAC, initialPower: 'on' });
    const response = await fetch(url(device.port, '/shutdown'), { method: 'POST' });
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ ok: true });
    await eventually(() => expect(device.power).toBe('off'));
  });

  it('when a magic packet arrives while the PC shuts down, then it is lost and logged as ignored', async () => {
    const { device } = await startDevice({ id: 'pc', kind: 'wol', mac: MAC, initialPower: 'on', shutdownMs: 300 });
    await fetch(url(device.port, '/shutdown'), { method: 'POST' });
    await sendDatagram(device.wolPort!, magicPacket(MAC));
    await eventually(() => expect(device.commands.map((c) => c.command)).toEqual(['POST shutdown', 'IGNORED WOL']));
    await eventually(() => expect(device.power).toBe('off'));
  });

  it('when setPower switches the PC on and off, then the agent port follows', async () => {
    const { device } = await startDevice({ id: 'pc', kind: 'wol', mac: MAC });
    device.setPower('on');
    await eventually(async () => expect(await status(device.port)).toEqual({ power: 'on' }));
    device.setPower('off');
    await eventually(async () => expect(await connectOutcome(device.port)).toBe('ECONNREFUSED'));
  });
});
