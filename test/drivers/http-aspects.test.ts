import { beforeEach, describe, expect, it } from 'vitest';
import { httpDriver as http } from '../../activities/drivers/http/client';
import type { HttpAspectSpec, HttpDriverSpec } from '../../activities/drivers/http/spec';
import { deviceCallDeadlineMs } from '../../activities/drivers/specs';
import { DeviceBusyError, DeviceConfigError, DeviceProtocolError } from '../../activities/errors';
import { TIMEOUTS, callFor, rejectionOf, target, useSimulator } from './support';

const simulator = useSimulator({ devices: [{ kind: 'http', id: 'player-1', initialVolume: 50, initialPlaylist: 'default' }] });

beforeEach(() => {
  const device = simulator.device('player-1', 'http');
  device.setPower('on');
  device.setVolume(50);
  device.setPlaylist('default');
});

const status = { method: 'GET' as const, path: '/api/v1/status' };
const json = { 'content-type': 'application/json' };

const volume: HttpAspectSpec = {
  value: { kind: 'number', min: 0, max: 100, tolerance: 2 },
  read: { ...status, read: { from: 'json', path: 'volume' } },
  set: { method: 'PUT', path: '/api/v1/volume', headers: json, body: '{"volume":{value}}' },
};
const playlist: HttpAspectSpec = {
  value: { kind: 'text' },
  read: { ...status, read: { from: 'json', path: 'playlist' } },
  set: { method: 'PUT', path: '/api/v1/playlist', headers: json, body: '{"playlist":"{value}"}' },
};

function player(overrides: Partial<HttpDriverSpec> = {}) {
  const driver: HttpDriverSpec = {
    type: 'http',
    baseUrl: `http://127.0.0.1:${simulator.device('player-1').port}`,
    timeouts: TIMEOUTS,
    maxResponseBytes: 4096,
    probe: { ...status, read: { from: 'json', path: 'power' }, states: { on: ['on'], off: ['off'], warming: ['booting'], cooling: ['shutting-down'] } },
    on: { method: 'PUT', path: '/api/v1/power', body: '{"power":"on"}' },
    off: { method: 'PUT', path: '/api/v1/power', body: '{"power":"off"}' },
    aspects: { volume, playlist },
    ...overrides,
  };
  return target('player-1', driver);
}

describe('http aspects', () => {
  it('when a probe asks for aspects read from the same status request as power, then they come from that one reply, the number as a number', async () => {
    await expect(http.probe(callFor(player()), ['playlist', 'volume'])).resolves.toMatchObject({ power: 'on', aspects: { playlist: 'default', volume: 50 } });
  });

  it('when the aspects share the probe\'s request, then the deadline counts that request once; a separate read request counts again', () => {
    const shared = player();
    const separate = player({ aspects: { volume: { ...volume, read: { method: 'GET', path: '/api/v1/volume', read: { from: 'json', path: 'volume' } } }, playlist } });
    const oneRequest = TIMEOUTS.connectMs + TIMEOUTS.responseMs;
    expect(deviceCallDeadlineMs(shared.driver, ['playlist', 'volume'])).toBe(oneRequest);
    expect(deviceCallDeadlineMs(separate.driver, ['playlist', 'volume'])).toBe(2 * oneRequest);
  });

  it('when aspects are set, then {value} carries the value and the player takes it', async () => {
    const call = callFor(player());
    await http.setAspect!(call, 'volume', 60);
    await http.setAspect!(call, 'playlist', 'gallery-loop');
    const device = simulator.device('player-1', 'http');
    expect(device.volume).toBe(60);
    expect(device.playlist).toBe('gallery-loop');
    expect(device.commands.map((entry) => entry.command).slice(-2)).toEqual(['PUT volume 60', 'PUT playlist gallery-loop']);
  });

  it('when the player is off, then no aspect is read, and a setting it refuses as not on is busy', async () => {
    const device = simulator.device('player-1', 'http');
    device.setPower('off');
    await expect(http.probe(callFor(player()), ['volume'])).resolves.toEqual({ power: 'off', detail: expect.any(String) });
    const error = await rejectionOf(http.setAspect!(callFor(player()), 'volume', 60));
    expect(error).toBeInstanceOf(DeviceBusyError);
  });

  it('when a number aspect reads as text, then a protocol error names the aspect\'s step and the reply', async () => {
    const error = await rejectionOf(http.probe(callFor(player({ aspects: { volume: { ...volume, read: { ...status, read: { from: 'json', path: 'playlist' } } } } })), ['volume']));
    expect(error).toBeInstanceOf(DeviceProtocolError);
    expect(error.message).toContain('expected a number, got "default"');
    expect(error.message).toContain('step "read volume"');
  });

  it('when an aspect is not declared, then the call is a configuration error listing the declared ones', async () => {
    const error = await rejectionOf(http.setAspect!(callFor(player()), 'input', 'hdmi2'));
    expect(error).toBeInstanceOf(DeviceConfigError);
    expect(error.message).toContain('declared: volume, playlist');
  });
});
