import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { pjlinkDriver as pjlink } from '../../activities/drivers/pjlink/client';
import type { PjlinkDriverSpec } from '../../activities/drivers/pjlink/spec';
import { deviceCallDeadlineMs } from '../../activities/drivers/specs';
import { DeviceAuthError, DeviceBusyError, DeviceConfigError, DeviceError, DeviceProtocolError, DeviceTimeoutError, DeviceUnreachableError } from '../../activities/errors';
import { SecretMissingError } from '../../config/secrets';
import { DEADLINE_MARGIN_MS, TIMEOUTS, callFor, rejectionOf, target, timed, useSimulator } from './support';
import { secretsFrom } from '../support/secrets';

const simulator = useSimulator({
  devices: [
    { kind: 'pjlink', id: 'proj-open', warmupMs: 400, cooldownMs: 400 },
    { kind: 'pjlink', id: 'proj-locked', password: 'sesame', warmupMs: 0, cooldownMs: 0 },
    { kind: 'pjlink', id: 'proj-hangup', warmupMs: 0, cooldownMs: 0, closeAfterReply: true },
  ],
});

function projector(id: string, spec: Partial<PjlinkDriverSpec> = {}) {
  const driver: PjlinkDriverSpec = {
    type: 'pjlink',
    host: '127.0.0.1',
    port: simulator.device(id).port,
    timeouts: TIMEOUTS,
    ...spec,
  };
  return target(id, driver);
}

describe('pjlink driver', () => {
  it('when the projector is off, then probe reads off with the raw reply', async () => {
    await expect(pjlink.probe(callFor(projector('proj-open')))).resolves.toEqual({ power: 'off', detail: '%1POWR=0' });
  });

  it('when switched on, then it answers OK and the projector warms up, which probe reports', async () => {
    const machine = projector('proj-open');
    await expect(pjlink.setPower(callFor(machine), 'on')).resolves.toEqual({ detail: '%1POWR=OK' });
    expect(simulator.device('proj-open').power).toBe('warming');
    await expect(pjlink.probe(callFor(machine))).resolves.toEqual({ power: 'warming', detail: '%1POWR=3' });
  });

  it('when switched off during warm-up, then ERR3 becomes DeviceBusyError', async () => {
    const machine = projector('proj-open');
    await pjlink.setPower(callFor(machine), 'on');
    const error = await rejectionOf(pjlink.setPower(callFor(machine), 'off'));
    expect(error).toBeInstanceOf(DeviceBusyError);
    expect(error.name).toBe('DeviceBusyError');
    expect(error.message).toContain('%1POWR=ERR3');
  });

  it('when the device closes after every reply, then each call still gets its answer', async () => {
    const machine = projector('proj-hangup');
    await pjlink.setPower(callFor(machine), 'on');
    await expect(pjlink.probe(callFor(machine))).resolves.toEqual({ power: 'on', detail: '%1POWR=1' });
  });

  describe('authentication', () => {
    const withPassword = (secret: string) => projector('proj-locked', { password: { secret } });

    it('when the password is right, then commands prefixed with the digest succeed', async () => {
      const call = callFor(withPassword('proj-password'), { secrets: secretsFrom({ 'proj-password': 'sesame' }) });
      const device = simulator.device('proj-locked');
      const earlier = device.commands.length;
      await expect(pjlink.setPower(call, 'on')).resolves.toEqual({ detail: '%1POWR=OK' });
      expect(device.commands.slice(earlier).map((c) => c.command)).toEqual(['POWR 1']);
    });

    it('when the password is wrong, then DeviceAuthError at step "authenticate" and nothing is switched', async () => {
      const call = callFor(withPassword('proj-password'), { secrets: secretsFrom({ 'proj-password': 'wrong' }) });
      const error = await rejectionOf(pjlink.setPower(call, 'on'));
      expect(error).toBeInstanceOf(DeviceAuthError);
      expect((error as DeviceAuthError).step).toBe('authenticate');
      expect(simulator.device('proj-locked').power).toBe('off');
    });

    it('when the device asks for a password and none is configured, then DeviceConfigError', async () => {
      const error = await rejectionOf(pjlink.probe(callFor(projector('proj-locked'))));
      expect(error).toBeInstanceOf(DeviceConfigError);
    });

    it('when the secret is missing on the worker, then SecretMissingError names it', async () => {
      const error = await rejectionOf(pjlink.probe(callFor(withPassword('nowhere'))));
      expect(error).toBeInstanceOf(SecretMissingError);
      expect(error.message).toContain('"nowhere"');
    });

    it('when the device locks out after failed logins, then even the right password is refused', async () => {
      simulator.device('proj-locked').setFault({ mode: 'auth-lockout', afterFailures: 2, lockMs: 10_000 });
      const wrong = callFor(withPassword('p'), { secrets: secretsFrom({ p: 'wrong' }) });
      await rejectionOf(pjlink.probe(wrong));
      await rejectionOf(pjlink.probe(wrong));
      const right = callFor(withPassword('p'), { secrets: secretsFrom({ p: 'sesame' }) });
      expect(await rejectionOf(pjlink.probe(right))).toBeInstanceOf(DeviceAuthError);
    });
  });

  describe('faults', () => {
    it('when the device accepts and never answers, then DeviceTimeoutError at the response deadline names machine, address, step and elapsed', async () => {
      simulator.device('proj-open').setFault({ mode: 'hang' });
      const machine = projector('proj-open');
      const { outcome, ms } = await timed(() => pjlink.probe(callFor(machine)));
      const error = await rejectionOf(outcome);
      expect(error).toBeInstanceOf(DeviceTimeoutError);
      expect(error.message).toMatch(
        /^proj-open "Test proj-open" at 127\.0\.0\.1:\d+: no reply within 300 ms at step "read greeting" \(elapsed \d+ ms\)$/,
      );
      expect(ms).toBeGreaterThanOrEqual(TIMEOUTS.responseMs);
      expect(ms).toBeLessThan(TIMEOUTS.responseMs + DEADLINE_MARGIN_MS);
      expect(ms).toBeLessThan(deviceCallDeadlineMs(machine.driver) + DEADLINE_MARGIN_MS);
    });

    it('when the reply is slower than the deadline, then DeviceTimeoutError; when just faster, then the answer', async () => {
      const device = simulator.device('proj-open');
      device.setFault({ mode: 'slow', delayMs: 100 });
      await expect(pjlink.probe(callFor(projector('proj-open')))).resolves.toMatchObject({ power: 'off' });
      device.setFault({ mode: 'slow', delayMs: TIMEOUTS.responseMs + 200 });
      expect(await rejectionOf(pjlink.probe(callFor(projector('proj-open'))))).toBeInstanceOf(DeviceTimeoutError);
    });

    it('when the device refuses connections, then DeviceUnreachableError at step "connect"', async () => {
      simulator.device('proj-open').setFault({ mode: 'refuse' });
      const error = await rejectionOf(pjlink.probe(callFor(projector('proj-open'))));
      expect(error).toBeInstanceOf(DeviceUnreachableError);
      expect(error.message).toContain('connection refused');
      expect((error as DeviceUnreachableError).step).toBe('connect');
    });

    it('when the device resets mid-greeting, then DeviceProtocolError quoting the partial line', async () => {
      simulator.device('proj-open').setFault({ mode: 'reset-mid-reply' });
      const error = await rejectionOf(pjlink.probe(callFor(projector('proj-open'))));
      expect(error).toBeInstanceOf(DeviceProtocolError);
      expect(error.message).toMatch(/connection reset mid-reply after "PJLI.*" at step "read greeting"/);
    });

    it('when the device sends garbage, then DeviceProtocolError', async () => {
      simulator.device('proj-open').setFault({ mode: 'garbage' });
      expect(await rejectionOf(pjlink.probe(callFor(projector('proj-open'))))).toBeInstanceOf(DeviceProtocolError);
    });

    it('when the device streams endlessly, then DeviceProtocolError at the byte cap, long before the deadline', async () => {
      simulator.device('proj-open').setFault({ mode: 'endless' });
      const { outcome, ms } = await timed(() => pjlink.probe(callFor(projector('proj-open'))));
      const error = await rejectionOf(outcome);
      expect(error).toBeInstanceOf(DeviceProtocolError);
      expect(error.message).toContain('more than 512 bytes');
      expect(ms).toBeLessThan(TIMEOUTS.responseMs);
    });

    it('when another client holds the single connection, then DeviceUnreachableError', async () => {
      const holder = net.connect(simulator.device('proj-open').port, '127.0.0.1');
      try {
        await new Promise((resolve) => holder.once('data', resolve));
        const error = await rejectionOf(pjlink.probe(callFor(projector('proj-open'))));
        expect(error).toBeInstanceOf(DeviceUnreachableError);
        expect(error.message).toContain('connection closed by the device');
      } finally {
        holder.destroy();
      }
    });
  });

  describe('cancellation', () => {
    it('when the caller aborts a hanging call, then it ends at once with the reason wrapped in a DeviceError', async () => {
      simulator.device('proj-open').setFault({ mode: 'hang' });
      const machine = projector('proj-open', { timeouts: { connectMs: 5000, responseMs: 5000 } });
      const controller = new AbortController();
      const reason = new Error('activity cancelled');
      setTimeout(() => controller.abort(reason), 100);
      const { outcome, ms } = await timed(() => pjlink.probe(callFor(machine, { signal: controller.signal })));
      const error = await rejectionOf(outcome);
      expect(error).toBeInstanceOf(DeviceError);
      expect(error.cause).toBe(reason);
      expect(error.message).toContain('call aborted (Error: activity cancelled) at step "read greeting"');
      expect(ms).toBeLessThan(100 + DEADLINE_MARGIN_MS);
    });

    it('when the signal is already aborted, then the call fails before connecting', async () => {
      const error = await rejectionOf(
        pjlink.setPower(callFor(projector('proj-open'), { signal: AbortSignal.abort(new Error('gone')) }), 'on'),
      );
      expect(error).toBeInstanceOf(DeviceError);
      expect((error as DeviceError).step).toBe('connect');
      expect(simulator.device('proj-open').power).toBe('off');
    });
  });

  it('then its deadline is connect plus two replies (greeting, POWR)', () => {
    expect(deviceCallDeadlineMs(projector('proj-open').driver)).toBe(TIMEOUTS.connectMs + 2 * TIMEOUTS.responseMs);
  });
});
