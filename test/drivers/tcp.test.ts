import { describe, expect, it } from 'vitest';
import { deviceCallDeadlineMs } from '../../activities/drivers/specs';
import { tcpDriver as tcp } from '../../activities/drivers/tcp/client';
import type { TcpLineDriverSpec } from '../../activities/drivers/tcp/spec';
import { DeviceConfigError, DeviceError, DeviceProtocolError, DeviceTimeoutError, DeviceUnreachableError } from '../../activities/errors';
import { DEADLINE_MARGIN_MS, TIMEOUTS, callFor, rejectionOf, target, timed, useSimulator } from './support';

const simulator = useSimulator({
  devices: [
    { kind: 'tcp', id: 'amp-1' },
    { kind: 'tcp', id: 'amp-chatty', banner: 'AMP-2000 firmware 1.4 ready' },
    { kind: 'tcp', id: 'amp-slow-greeting', banner: 'AMP-2000 firmware 1.4 ready' },
  ],
});

const MAX_BYTES = 1024;

function amplifier(id: string, overrides: Partial<TcpLineDriverSpec> = {}) {
  const driver: TcpLineDriverSpec = {
    type: 'tcp',
    host: '127.0.0.1',
    port: simulator.device(id).port,
    sendTerminator: '\r\n',
    receiveTerminator: '\r\n',
    timeouts: TIMEOUTS,
    maxResponseBytes: MAX_BYTES,
    probe: { send: 'POWER?', states: { on: ['^POWER ON$'], off: ['^POWER OFF$'] } },
    on: { send: 'POWER ON', expect: '^OK$' },
    off: { send: 'POWER OFF', expect: '^OK$' },
    ...overrides,
  };
  return target(id, driver);
}

describe('tcp line driver', () => {
  it('when the amplifier is off, then probe matches the reply line against the state regexes', async () => {
    await expect(tcp.probe(callFor(amplifier('amp-1')))).resolves.toEqual({ power: 'off', detail: 'POWER OFF' });
  });

  it('when switched on, then the expected OK comes back and the amplifier is on', async () => {
    await expect(tcp.setPower(callFor(amplifier('amp-1')), 'on')).resolves.toEqual({ detail: 'OK' });
    expect(simulator.device('amp-1').power).toBe('on');
    await expect(tcp.probe(callFor(amplifier('amp-1')))).resolves.toEqual({ power: 'on', detail: 'POWER ON' });
  });

  it('when the device greets with a banner, then the banner is ignored and the reply is read', async () => {
    await expect(tcp.probe(callFor(amplifier('amp-chatty')))).resolves.toEqual({ power: 'off', detail: 'POWER OFF' });
    await expect(tcp.setPower(callFor(amplifier('amp-chatty')), 'on')).resolves.toEqual({ detail: 'OK' });
  });

  /** Greets, and answers, only after 200 ms: later than the 100 ms window, within the 300 ms response timeout. */
  const greetSlowly = () => simulator.device('amp-slow-greeting').setFault({ mode: 'slow', delayMs: 200 });

  it('when a slow device greets after the window and its banner is configured, then the driver waits for the banner', async () => {
    greetSlowly();
    const machine = amplifier('amp-slow-greeting', { banner: '^AMP-2000 .* ready$' });
    await expect(tcp.probe(callFor(machine))).resolves.toEqual({ power: 'off', detail: 'POWER OFF' });
  });

  it('when a slow device greets after the window and no banner is configured, then DeviceProtocolError quotes the greeting as the reply', async () => {
    greetSlowly();
    const error = await rejectionOf(tcp.probe(callFor(amplifier('amp-slow-greeting'))));
    expect(error).toBeInstanceOf(DeviceProtocolError);
    expect(error.message).toContain('"AMP-2000 firmware 1.4 ready"');
  });

  it('when the configured banner never comes, then DeviceTimeoutError at the banner step', async () => {
    const machine = amplifier('amp-1', { banner: '^NEVER$' });
    const { outcome, ms } = await timed(() => tcp.probe(callFor(machine)));
    const error = await rejectionOf(outcome);
    expect(error).toBeInstanceOf(DeviceTimeoutError);
    expect((error as DeviceTimeoutError).step).toBe('await banner');
    expect(ms).toBeLessThan(deviceCallDeadlineMs(machine.driver) + DEADLINE_MARGIN_MS);
  });

  it('when the reply matches no state, then DeviceProtocolError quotes it', async () => {
    const machine = amplifier('amp-1', { probe: { send: 'VOLUME?', states: { on: ['^POWER ON$'], off: ['^POWER OFF$'] } } });
    const error = await rejectionOf(tcp.probe(callFor(machine)));
    expect(error).toBeInstanceOf(DeviceProtocolError);
    expect(error.message).toContain('reply "VOLUME 50" matches no configured state at step "await reply to VOLUME?"');
  });

  it('when the command reply does not match expect, then DeviceProtocolError', async () => {
    const machine = amplifier('amp-1', { on: { send: 'POWER ON', expect: '^DONE$' } });
    const error = await rejectionOf(tcp.setPower(callFor(machine), 'on'));
    expect(error).toBeInstanceOf(DeviceProtocolError);
    expect(error.message).toContain('reply "OK" does not match expected /^DONE$/');
  });

  it('when a state regex is invalid, then DeviceConfigError before the device is contacted', async () => {
    const machine = amplifier('amp-1', { probe: { send: 'POWER?', states: { on: ['(['], off: [] } } });
    const error = await rejectionOf(tcp.probe(callFor(machine)));
    expect(error).toBeInstanceOf(DeviceConfigError);
    expect((error as DeviceConfigError).step).toBe('compile state regexes');
  });

  describe('faults', () => {
    it('when the device never answers, then DeviceTimeoutError within its deadline', async () => {
      simulator.device('amp-1').setFault({ mode: 'hang' });
      const machine = amplifier('amp-1');
      const { outcome, ms } = await timed(() => tcp.probe(callFor(machine)));
      const error = await rejectionOf(outcome);
      expect(error).toBeInstanceOf(DeviceTimeoutError);
      expect(error.message).toMatch(
        /^amp-1 "Test amp-1" at 127\.0\.0\.1:\d+: no reply within 300 ms at step "await reply to POWER\?" \(elapsed \d+ ms\)$/,
      );
      expect(ms).toBeLessThan(deviceCallDeadlineMs(machine.driver) + DEADLINE_MARGIN_MS);
    });

    it('when the device refuses, then DeviceUnreachableError', async () => {
      simulator.device('amp-1').setFault({ mode: 'refuse' });
      expect(await rejectionOf(tcp.probe(callFor(amplifier('amp-1'))))).toBeInstanceOf(DeviceUnreachableError);
    });

    it('when the device answers garbage, then DeviceProtocolError', async () => {
      simulator.device('amp-1').setFault({ mode: 'garbage' });
      expect(await rejectionOf(tcp.probe(callFor(amplifier('amp-1'))))).toBeInstanceOf(DeviceProtocolError);
    });

    it('when the device resets mid-reply, then DeviceProtocolError quoting the part received', async () => {
      simulator.device('amp-1').setFault({ mode: 'reset-mid-reply' });
      const error = await rejectionOf(tcp.probe(callFor(amplifier('amp-1'))));
      expect(error).toBeInstanceOf(DeviceProtocolError);
      expect(error.message).toContain('connection reset mid-reply after "POWE');
    });

    it('when the device streams endlessly, then DeviceProtocolError at the byte cap', async () => {
      simulator.device('amp-1').setFault({ mode: 'endless' });
      const { outcome, ms } = await timed(() => tcp.probe(callFor(amplifier('amp-1'))));
      const error = await rejectionOf(outcome);
      expect(error).toBeInstanceOf(DeviceProtocolError);
      expect(error.message).toContain(`more than ${MAX_BYTES} bytes`);
      expect(ms).toBeLessThan(deviceCallDeadlineMs(amplifier('amp-1').driver));
    });

    it('when the banner itself never ends, then the cap stops it during the banner window', async () => {
      simulator.device('amp-chatty').setFault({ mode: 'endless' });
      const error = await rejectionOf(tcp.probe(callFor(amplifier('amp-chatty'))));
      expect(error).toBeInstanceOf(DeviceProtocolError);
      expect((error as DeviceProtocolError).step).toBe('await banner');
    });
  });

  it('when the caller aborts a hanging exchange, then it ends at once with a DeviceError', async () => {
    simulator.device('amp-1').setFault({ mode: 'hang' });
    const machine = amplifier('amp-1', { timeouts: { connectMs: 5000, responseMs: 5000 } });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('activity cancelled')), 200);
    const { outcome, ms } = await timed(() => tcp.setPower(callFor(machine, { signal: controller.signal }), 'on'));
    const error = await rejectionOf(outcome);
    expect(error).toBeInstanceOf(DeviceError);
    expect(error.message).toContain('call aborted (Error: activity cancelled) at step "await reply to POWER ON"');
    expect(ms).toBeLessThan(200 + DEADLINE_MARGIN_MS);
  });

  it('then its deadline is connect, the banner window and one reply', () => {
    expect(deviceCallDeadlineMs(amplifier('amp-1').driver)).toBe(TIMEOUTS.connectMs + 100 + TIMEOUTS.responseMs);
  });

  it('when a banner is configured, then its deadline is connect, the banner and one reply', () => {
    expect(deviceCallDeadlineMs(amplifier('amp-1', { banner: '^READY$' }).driver)).toBe(TIMEOUTS.connectMs + 2 * TIMEOUTS.responseMs);
  });
});
