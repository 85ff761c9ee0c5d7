import { afterEach, describe, expect, it } from 'vitest';
import { cleanUp, eventually, startDevice, url } from './helpers';

afterEach(cleanUp);

async function getPower(port: number, headers: Record<string, string> = {}): Promise<unknown> {
  const response = await fetch(url(port, '/api/v1/power'), { headers });
  expect(response.status).toBe(200);
  return ((await response.json()) as { power: unknown }).power;
}

function putPower(port: number, power: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url(port, '/api/v1/power'), {
    method: 'PUT',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ power }),
  });
}

describe('http', () => {
  it('when power is put on, then it answers {ok:true}, reports on, and logs the command', async () => {
    const { device } = await startDevice({ id: 'player', kind: 'http' });
    expect(await getPower(device.port)).toBe('off');
    const response = await putPower(device.port, 'on');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true });
    expect(await getPower(device.port)).toBe('on');
    expect(device.commands.map((c) => c.command)).toEqual(['PUT power on']);
  });

  it('when a token is configured, then requests without the right bearer token get 401 and change nothing', async () => {
    const { device } = await startDevice({ id: 'player', kind: 'http', token: 't0ken' });
    expect((await fetch(url(device.port, '/api/v1/power'))).status).toBe(401);
    const wrong = await putPower(device.port, 'on', { authorization: 'Bearer nope' });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toBe('Bearer');
    expect(device.power).toBe('off');

    const right = await putPower(device.port, 'on', { authorization: 'Bearer t0ken' });
    expect(right.status).toBe(200);
    expect(await getPower(device.port, { authorization: 'Bearer t0ken' })).toBe('on');
    expect(device.commands.map((c) => c.command)).toEqual(['401 PUT power on', 'PUT power on']);
  });

  it('when booting and shutting down take time, then it reports them and answers 409 to commands meanwhile', async () => {
    const { device } = await startDevice({ id: 'player', kind: 'http', bootMs: 150, shutdownMs: 150 });
    expect((await putPower(device.port, 'on')).status).toBe(200);
    expect(await getPower(device.port)).toBe('booting');
    expect(device.power).toBe('warming');
    const busy = await putPower(device.port, 'off');
    expect(busy.status).toBe(409);
    await eventually(async () => expect(await getPower(device.port)).toBe('on'));

    expect((await putPower(device.port, 'off')).status).toBe(200);
    expect(await getPower(device.port)).toBe('shutting-down');
    expect(device.power).toBe('cooling');
    await eventually(async () => expect(await getPower(device.port)).toBe('off'));
    expect(device.commands.map((c) => c.command)).toEqual(['PUT power on', '409 PUT power off', 'PUT power off']);
  });

  it('when the body is not {"power":"on"|"off"}, then it answers 400', async () => {
    const { device } = await startDevice({ id: 'player', kind: 'http' });
    expect((await putPower(device.port, 'standby')).status).toBe(400);
    const notJson = await fetch(url(device.port, '/api/v1/power'), { method: 'PUT', body: 'on' });
    expect(notJson.status).toBe(400);
    expect(device.commands.map((c) => c.command)).toEqual(['400 PUT power', '400 PUT power']);
  });

  it('when the path or method is unknown, then it answers 404 or 405', async () => {
    const { device } = await startDevice({ id: 'player', kind: 'http' });
    expect((await fetch(url(device.port, '/api/v2/power'))).status).toBe(404);
    const post = await fetch(url(device.port, '/api/v1/power'), { method: 'POST', body: '{}' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, PUT');
  });
});
