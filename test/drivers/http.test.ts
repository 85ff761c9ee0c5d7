import { describe, expect, it } from 'vitest';
import { httpDriver as http } from '../../activities/drivers/http/client';
import type { HttpDriverSpec, HttpProbeSpec } from '../../activities/drivers/http/spec';
import { deviceCallDeadlineMs } from '../../activities/drivers/specs';
import { DeviceAuthError, DeviceBusyError, DeviceConfigError, DeviceError, DeviceProtocolError, DeviceTimeoutError, DeviceUnreachableError } from '../../activities/errors';
import { DEADLINE_MARGIN_MS, TIMEOUTS, callFor, rejectionOf, target, timed, useSimulator } from './support';
import { secretsFrom } from '../support/secrets';

const simulator = useSimulator({
  devices: [{ kind: 'http', id: 'player-1', token: 'letmein', bootMs: 400, shutdownMs: 400 }],
});

const secrets = secretsFrom({ 'player-token': 'letmein', 'stale-token': 'expired' });
const MAX_BYTES = 4096;

const powerProbe: HttpProbeSpec = {
  method: 'GET',
  path: '/api/v1/power',
  read: { from: 'json', path: 'power' },
  states: { on: ['on'], off: ['off'], warming: ['booting'], cooling: ['shutting-down'] },
};

function player(overrides: Partial<HttpDriverSpec> = {}) {
  const driver: HttpDriverSpec = {
    type: 'http',
    baseUrl: `http://127.0.0.1:${simulator.device('player-1').port}/`,
    bearerToken: { secret: 'player-token' },
    timeouts: TIMEOUTS,
    maxResponseBytes: MAX_BYTES,
    probe: powerProbe,
    on: { method: 'PUT', path: 'api/v1/power', body: '{"power":"on"}' },
    off: { method: 'PUT', path: 'api/v1/power', body: '{"power":"off"}' },
    ...overrides,
  };
  return target('player-1', driver);
}

function probing(probe: Partial<HttpProbeSpec>) {
  return player({ probe: { ...powerProbe, ...probe } });
}

describe('http driver', () => {
  it('when the player is off, then probe reads the JSON path and returns the raw answer', async () => {
    await expect(http.probe(callFor(player(), { secrets }))).resolves.toEqual({
      power: 'off',
      detail: 'HTTP 200 {"power":"off"}',
    });
  });

  it('when switched on, then the PUT succeeds and the player boots, which probe reports as warming', async () => {
    await expect(http.setPower(callFor(player(), { secrets }), 'on')).resolves.toEqual({ detail: 'HTTP 200 {"ok":true}' });
    expect(simulator.device('player-1').power).toBe('warming');
    await expect(http.probe(callFor(player(), { secrets }))).resolves.toMatchObject({ power: 'warming' });
  });

  it('when switched while booting, then 409 becomes DeviceBusyError', async () => {
    await http.setPower(callFor(player(), { secrets }), 'on');
    const error = await rejectionOf(http.setPower(callFor(player(), { secrets }), 'off'));
    expect(error).toBeInstanceOf(DeviceBusyError);
    expect(error.message).toContain('HTTP 409');
  });

  it('when the token is wrong, then 401 becomes DeviceAuthError', async () => {
    const machine = player({ bearerToken: { secret: 'stale-token' } });
    expect(await rejectionOf(http.probe(callFor(machine, { secrets })))).toBeInstanceOf(DeviceAuthError);
    expect(await rejectionOf(http.setPower(callFor(machine, { secrets }), 'on'))).toBeInstanceOf(DeviceAuthError);
  });

  it('when the state is read with a regex, then capture group 1 is the value', async () => {
    const machine = probing({ read: { from: 'regex', pattern: '"power":"([a-z-]+)"' } });
    await expect(http.probe(callFor(machine, { secrets }))).resolves.toMatchObject({ power: 'off' });
  });

  it('when the state is read from the status code, then a non-2xx status can be a state', async () => {
    const machine = probing({ path: '/missing', read: { from: 'status' }, states: { on: ['200'], off: ['404'] } });
    await expect(http.probe(callFor(machine, { secrets }))).resolves.toMatchObject({ power: 'off' });
  });

  it('when the value matches no state, then DeviceProtocolError quotes it', async () => {
    const machine = probing({ states: { on: ['running'], off: ['stopped'] } });
    const error = await rejectionOf(http.probe(callFor(machine, { secrets })));
    expect(error).toBeInstanceOf(DeviceProtocolError);
    expect(error.message).toContain('value "off" matches no configured state');
  });

  it('when the regex is invalid, then DeviceConfigError', async () => {
    const machine = probing({ read: { from: 'regex', pattern: '(' } });
    expect(await rejectionOf(http.probe(callFor(machine, { secrets })))).toBeInstanceOf(DeviceConfigError);
  });

  describe('faults', () => {
    it('when the player never answers, then DeviceTimeoutError at the response deadline', async () => {
      simulator.device('player-1').setFault({ mode: 'hang' });
      const machine = player();
      const { outcome, ms } = await timed(() => http.probe(callFor(machine, { secrets })));
      const error = await rejectionOf(outcome);
      expect(error).toBeInstanceOf(DeviceTimeoutError);
      expect(error.message).toMatch(
        /^player-1 "Test player-1" at GET http:\/\/127\.0\.0\.1:\d+\/api\/v1\/power: no complete response within 300 ms at step "await response" \(elapsed \d+ ms\)$/,
      );
      expect(ms).toBeLessThan(deviceCallDeadlineMs(machine.driver) + DEADLINE_MARGIN_MS);
    });

    it('when the player refuses connections, then DeviceUnreachableError', async () => {
      simulator.device('player-1').setFault({ mode: 'refuse' });
      expect(await rejectionOf(http.probe(callFor(player(), { secrets })))).toBeInstanceOf(DeviceUnreachableError);
    });

    it('when the player answers garbage instead of HTTP, then DeviceProtocolError', async () => {
      simulator.device('player-1').setFault({ mode: 'garbage' });
      const error = await rejectionOf(http.probe(callFor(player(), { secrets })));
      expect(error).toBeInstanceOf(DeviceProtocolError);
    });

    it('when the connection resets mid-body, then DeviceProtocolError at step "read body"', async () => {
      simulator.device('player-1').setFault({ mode: 'reset-mid-reply' });
      const error = await rejectionOf(http.probe(callFor(player(), { secrets })));
      expect(error).toBeInstanceOf(DeviceProtocolError);
      expect((error as DeviceProtocolError).step).toBe('read body');
    });

    it('when the body never ends, then DeviceProtocolError at the size cap, before the deadline', async () => {
      simulator.device('player-1').setFault({ mode: 'endless' });
      const { outcome, ms } = await timed(() => http.probe(callFor(player(), { secrets })));
      const error = await rejectionOf(outcome);
      expect(error).toBeInstanceOf(DeviceProtocolError);
      expect(error.message).toContain(`more than ${MAX_BYTES} bytes`);
      expect(ms).toBeLessThan(TIMEOUTS.responseMs);
    });
  });

  it('when the caller aborts a hanging request, then it ends at once with a DeviceError', async () => {
    simulator.device('player-1').setFault({ mode: 'hang' });
    const machine = player({ timeouts: { connectMs: 5000, responseMs: 5000 } });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('activity cancelled')), 100);
    const { outcome, ms } = await timed(() => http.probe(callFor(machine, { secrets, signal: controller.signal })));
    const error = await rejectionOf(outcome);
    expect(error).toBeInstanceOf(DeviceError);
    expect(error.message).toContain('call aborted (Error: activity cancelled) at step "await response"');
    expect(ms).toBeLessThan(100 + DEADLINE_MARGIN_MS);
  });

  it('then its deadline is connect plus one response', () => {
    expect(deviceCallDeadlineMs(player().driver)).toBe(TIMEOUTS.connectMs + TIMEOUTS.responseMs);
  });
});
