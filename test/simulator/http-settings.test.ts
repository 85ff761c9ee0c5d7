import { afterEach, describe, expect, it } from 'vitest';
import { InvalidSettingError, SimulatorConfigError, startSimulator } from '../../simulator/index';
import { cleanUp, startDevice, url } from './helpers';

afterEach(cleanUp);

async function getJson(port: number, path: string, headers: Record<string, string> = {}): Promise<unknown> {
  const response = await fetch(url(port, path), { headers });
  expect(response.status).toBe(200);
  return response.json();
}

function put(port: number, setting: string, value: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url(port, `/api/v1/${setting}`), {
    method: 'PUT',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ [setting]: value }),
  });
}

describe('http player settings', () => {
  it('when nothing is configured, then it plays the first input at volume 50 with the default playlist', async () => {
    const { device } = await startDevice({ id: 'player', kind: 'http' });
    expect(await getJson(device.port, '/api/v1/status')).toEqual({ power: 'off', input: 'hdmi1', volume: 50, playlist: 'default' });
  });

  it('when on, then input, volume and playlist are put, read back singly and in the status, and logged', async () => {
    const { device } = await startDevice({
      id: 'player',
      kind: 'http',
      initialPower: 'on',
      inputs: ['hdmi1', 'hdmi2', 'stream'],
      initialInput: 'hdmi2',
      initialVolume: 10,
      initialPlaylist: 'lobby',
    });
    expect(await getJson(device.port, '/api/v1/input')).toEqual({ input: 'hdmi2' });
    for (const [setting, value] of [['input', 'stream'], ['volume', 40], ['playlist', 'gallery-loop']] as const) {
      const response = await put(device.port, setting, value);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ ok: true });
      expect(await getJson(device.port, `/api/v1/${setting}`)).toEqual({ [setting]: value });
    }
    expect(await getJson(device.port, '/api/v1/status')).toEqual({ power: 'on', input: 'stream', volume: 40, playlist: 'gallery-loop' });
    expect([device.input, device.volume, device.playlist]).toEqual(['stream', 40, 'gallery-loop']);
    expect(device.commands.map((c) => c.command)).toEqual(['PUT input stream', 'PUT volume 40', 'PUT playlist gallery-loop']);
  });

  it('when a setting is put while off or booting, then it answers 409 not on, logs the rejection and changes nothing', async () => {
    const { device } = await startDevice({ id: 'player', kind: 'http', bootMs: 10_000 });
    const offAnswer = await put(device.port, 'volume', 40);
    expect(offAnswer.status).toBe(409);
    expect(await offAnswer.json()).toEqual({ error: 'not on' });
    expect((await put(device.port, 'power', 'on')).status).toBe(200);
    expect((await put(device.port, 'input', 'hdmi2')).status).toBe(409);
    expect(await getJson(device.port, '/api/v1/status')).toEqual({ power: 'booting', input: 'hdmi1', volume: 50, playlist: 'default' });
    expect(device.commands.map((c) => c.command)).toEqual(['409 PUT volume 40', 'PUT power on', '409 PUT input hdmi2']);
  });

  it('when a value is out of range, of the wrong type or an input the player lacks, then it answers 400 and logs the rejection', async () => {
    const { device } = await startDevice({ id: 'player', kind: 'http', initialPower: 'on' });
    const rejected: [string, unknown][] = [
      ['volume', 101],
      ['volume', -1],
      ['volume', 40.5],
      ['volume', '40'],
      ['input', 'hdmi9'],
      ['playlist', ''],
      ['playlist', 7],
    ];
    for (const [setting, value] of rejected) {
      const response = await put(device.port, setting, value);
      expect(response.status, `${setting} ${JSON.stringify(value)}`).toBe(400);
      expect(await response.json()).toEqual({ error: expect.stringMatching(new RegExp(`^expected \\{"${setting}":`)) });
    }
    const notJson = await fetch(url(device.port, '/api/v1/volume'), { method: 'PUT', body: '40' });
    expect(notJson.status).toBe(400);
    expect(await getJson(device.port, '/api/v1/status')).toEqual({ power: 'on', input: 'hdmi1', volume: 50, playlist: 'default' });
    expect(device.commands.map((c) => c.command)).toEqual([
      '400 PUT volume 101',
      '400 PUT volume -1',
      '400 PUT volume 40.5',
      '400 PUT volume 40',
      '400 PUT input hdmi9',
      '400 PUT playlist ',
      '400 PUT playlist 7',
      '400 PUT volume',
    ]);
  });

  it('when a token is configured, then settings and status need the bearer token like power does', async () => {
    const { device } = await startDevice({ id: 'player', kind: 'http', token: 't0ken', initialPower: 'on' });
    const bearer = { authorization: 'Bearer t0ken' };
    expect((await fetch(url(device.port, '/api/v1/status'))).status).toBe(401);
    expect((await fetch(url(device.port, '/api/v1/volume'), { headers: { authorization: 'Bearer nope' } })).status).toBe(401);
    const unauthorized = await put(device.port, 'volume', 40);
    expect(unauthorized.status).toBe(401);
    expect(unauthorized.headers.get('www-authenticate')).toBe('Bearer');
    expect(device.volume).toBe(50);

    expect((await put(device.port, 'volume', 40, bearer)).status).toBe(200);
    expect(await getJson(device.port, '/api/v1/volume', bearer)).toEqual({ volume: 40 });
    expect(await getJson(device.port, '/api/v1/status', bearer)).toMatchObject({ volume: 40 });
    expect(device.commands.map((c) => c.command)).toEqual(['401 PUT volume 40', 'PUT volume 40']);
  });

  it('when the status is put or a resource is unknown, then it answers 405 or 404', async () => {
    const { device } = await startDevice({ id: 'player', kind: 'http' });
    const putStatus = await fetch(url(device.port, '/api/v1/status'), { method: 'PUT', body: '{}' });
    expect(putStatus.status).toBe(405);
    expect(putStatus.headers.get('allow')).toBe('GET');
    const postVolume = await fetch(url(device.port, '/api/v1/volume'), { method: 'POST', body: '{}' });
    expect(postVolume.status).toBe(405);
    expect(postVolume.headers.get('allow')).toBe('GET, PUT');
    expect((await fetch(url(device.port, '/api/v1/brightness'))).status).toBe(404);
    expect((await fetch(url(device.port, '/api/v1/'))).status).toBe(404);
  });

  it('when the control API changes a setting, then it applies in any power state without a log entry; a value the API would refuse throws', async () => {
    const { device } = await startDevice({ id: 'player', kind: 'http' });
    device.setInput('hdmi2');
    device.setVolume(0);
    device.setPlaylist('night');
    expect(await getJson(device.port, '/api/v1/status')).toEqual({ power: 'off', input: 'hdmi2', volume: 0, playlist: 'night' });
    expect(() => device.setInput('hdmi3')).toThrow(InvalidSettingError);
    expect(() => device.setVolume(101)).toThrow(InvalidSettingError);
    expect(() => device.setPlaylist('')).toThrow(InvalidSettingError);
    expect(device.commands).toEqual([]);
  });

  it('when the initial input is not one of the inputs, then the config is rejected', async () => {
    const error = await startSimulator({ devices: [{ id: 'player', kind: 'http', initialInput: 'vga' }] }).catch((e: unknown) => e);
    expect((error as SimulatorConfigError).problems).toEqual([
      { path: 'devices[0].initialInput', message: 'must be one of inputs: hdmi1, hdmi2' },
    ]);
  });
});
