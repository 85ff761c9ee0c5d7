/**
 * The simulator's PJLink driven by someone else's client, the npm `pjlink` package, so a
 * misreading of the spec shared by our driver and our simulator would show here.
 */
import PJLink from 'pjlink';
import { afterEach, describe, expect, it } from 'vitest';
import type { DeviceEvent } from '../../simulator/index';
import { cleanUp, eventually, startDevice } from './helpers';

const HOST = '127.0.0.1';
const clients = new Set<PJLink>();

afterEach(async () => {
  for (const client of clients) client.disconnect();
  clients.clear();
  await cleanUp();
});

function clientOf(port: number, password?: string): PJLink {
  const client = new PJLink(HOST, port, password);
  clients.add(client);
  return client;
}

type Callback<Results extends unknown[]> = (error: Error | null | undefined, ...results: Results) => void;

/** The package answers in Node-style callbacks: one request's results, or its error. */
function answer<Results extends unknown[]>(request: (done: Callback<Results>) => void): Promise<Results> {
  return new Promise((resolve, reject) => request((error, ...results) => (error ? reject(error) : resolve(results))));
}

describe('pjlink against the npm pjlink client', () => {
  it('when the client drives a projector without a password, then power, inputs, mute, lamp, errors and identity read as set', async () => {
    const { device } = await startDevice({
      id: 'hall',
      kind: 'pjlink',
      warmupMs: 100,
      lampHours: 1500,
      name: 'hall-left',
      manufacturer: 'ACME',
      model: 'PJ-9000 WUXGA',
      info: 'fw2.1',
    });
    const client = clientOf(device.port);
    const powerState = client.getPowerState.bind(client);

    expect(await answer(powerState)).toEqual([0]);
    await answer(client.powerOn.bind(client));
    expect(await answer(powerState)).toEqual([3]);
    await eventually(async () => expect(await answer(powerState)).toEqual([1]), 5_000);

    const [inputs] = await answer(client.getInputs.bind(client));
    expect(inputs.map(({ source, channel }) => [source, channel])).toEqual([
      [1, 1],
      [3, 1],
      [3, 2],
    ]);
    await answer((done) => client.setInput('32', done));
    expect(await answer(client.getInput.bind(client))).toEqual([{ source: 3, channel: 2, code: '32', name: 'DIGITAL - 2' }]);

    for (const mute of [
      { video: true, audio: false },
      { video: true, audio: true },
      { video: false, audio: false },
    ]) {
      await answer((done) => client.setMute(mute, done));
      expect(await answer(client.getMute.bind(client))).toEqual([mute]);
    }

    expect(await answer(client.getLamps.bind(client))).toEqual([[{ hours: 1500, on: true }]]);
    expect(await answer(client.getErrors.bind(client))).toEqual([null]);
    device.setErrorStatus('021000');
    expect(await answer(client.getErrors.bind(client))).toEqual([
      { fan: false, lamp: 'error', temperature: 'warning', cover: false, filter: false, other: false },
    ]);

    expect(await answer(client.getName.bind(client))).toEqual(['hall-left']);
    expect(await answer(client.getManufacturer.bind(client))).toEqual(['ACME']);
    expect(await answer(client.getModel.bind(client))).toEqual(['PJ-9000 WUXGA']);
    expect(await answer(client.getInfo.bind(client))).toEqual(['fw2.1']);
    expect(await answer(client.getClass.bind(client))).toEqual(['1']);
    expect(device.commands.map((c) => c.command)).toEqual(['POWR 1', 'INPT 32', 'AVMT 11', 'AVMT 31', 'AVMT 30']);
  });

  it('when the client knows the password, then all its commands run on one connection, the digest sent only with the first', async () => {
    const { device } = await startDevice({ id: 'p', kind: 'pjlink', password: 'secret', initialPower: 'on' });
    const events: DeviceEvent[] = [];
    device.observe((event) => events.push(event));
    const client = clientOf(device.port, 'secret');

    expect(await answer(client.getPowerState.bind(client))).toEqual([1]);
    await answer((done) => client.setInput('31', done));
    await answer((done) => client.setMute({ video: true, audio: true }, done));
    expect(await answer(client.getInput.bind(client))).toMatchObject([{ code: '31' }]);
    expect(await answer(client.getMute.bind(client))).toEqual([{ video: true, audio: true }]);
    expect(await answer(client.getLamps.bind(client))).toEqual([[{ hours: 1234, on: true }]]);
    expect(await answer(client.getName.bind(client))).toEqual(['p']);

    expect(events.filter((event) => event.type === 'connected')).toHaveLength(1);
    expect(device.commands.map((c) => c.command)).toEqual(['INPT 31', 'AVMT 31']);
  });

  it('when the client has the wrong password, then its request fails with the authorization error and nothing runs', async () => {
    const { device } = await startDevice({ id: 'p', kind: 'pjlink', password: 'secret' });
    const client = clientOf(device.port, 'wrong');
    await expect(answer(client.powerOn.bind(client))).rejects.toThrow('Authorization failed');
    expect(device.power).toBe('off');
    expect(device.commands.map((c) => c.command)).toEqual(['ERRA POWR 1']);
  });

  it('when the projector refuses an input, then the client reports ERR2 and ERR3 as the spec names them', async () => {
    const { device } = await startDevice({ id: 'p', kind: 'pjlink' });
    const client = clientOf(device.port);
    await expect(answer((done) => client.setInput('31', done))).rejects.toThrow('Unavailable time');
    await expect(answer((done) => client.setInput('12', done))).rejects.toThrow('Out of parameter');
    expect(device.commands.map((c) => c.command)).toEqual(['ERR3 INPT 31', 'ERR2 INPT 12']);
  });
});
