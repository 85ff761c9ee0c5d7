import { Context } from '@temporalio/activity';
import type { MachineTarget, Power } from '../domain/types';
import { driverFor } from './drivers';
import type { PowerReading, SecretResolver } from './drivers/types';
import { DeviceError } from './errors';

export interface ActivityDeps {
  /** Resolves credentials on the worker, so they never enter workflow history. */
  secrets: SecretResolver;
}

/** The device-call series on the worker's Prometheus endpoint (docs/observability.md). */
export const DEVICE_METRICS = {
  callDuration: 'showctl_device_call_duration_seconds',
  callFailures: 'showctl_device_call_failures_total',
  timeouts: 'showctl_device_timeouts_total',
} as const;

type DeviceOperation = 'probe' | 'command';

/**
 * Device activities. Each call runs the driver under its own deadlines and the activity's
 * cancellation signal, which the worker aborts when Temporal gives up on the attempt.
 */
export function createActivities(deps: ActivityDeps) {
  const callFor = (target: MachineTarget) => ({
    target,
    signal: Context.current().cancellationSignal,
    secrets: deps.secrets,
  });
  return {
    async probePower(target: MachineTarget): Promise<PowerReading> {
      return measured(target, 'probe', () => driverFor(target).probe(callFor(target)));
    },
    async setPower(target: MachineTarget, power: Power): Promise<{ detail: string }> {
      return measured(target, 'command', () => driverFor(target).setPower(callFor(target), power));
    },
  };
}

export type Activities = ReturnType<typeof createActivities>;

/**
 * Records the call's duration and, when it fails, its error type and whether a deadline ended it.
 * The SDK counts neither: a call the driver's own deadline ended is an ordinary failure to it,
 * and an attempt the worker times out locally is not counted as failed at all.
 */
async function measured<T>(target: MachineTarget, operation: DeviceOperation, call: () => Promise<T>): Promise<T> {
  const context = Context.current();
  const meter = context.metricMeter.withTags({ driver: target.driver.type, operation });
  const duration = meter.createHistogram(DEVICE_METRICS.callDuration, 'float', undefined, 'Device calls, by how long they took');
  const startedAt = performance.now();
  try {
    const result = await call();
    duration.record((performance.now() - startedAt) / 1000, { result: 'ok' });
    return result;
  } catch (err) {
    duration.record((performance.now() - startedAt) / 1000, { result: 'error' });
    meter
      .createCounter(DEVICE_METRICS.callFailures, undefined, 'Failed device calls, by error type')
      .add(1, { error: errorTypeOf(err) });
    const deadline = context.cancellationDetails?.timedOut ? 'activity' : isDriverTimeout(err) ? 'driver' : undefined;
    if (deadline) {
      meter
        .createCounter(DEVICE_METRICS.timeouts, undefined, 'Device calls a deadline ended: the driver\'s own or the activity\'s')
        .add(1, { deadline });
    }
    throw err;
  }
}

function isDriverTimeout(err: unknown): boolean {
  return err instanceof DeviceError && err.name === 'DeviceTimeoutError';
}

/** The error class name when it is one of ours, so the label's values stay a short, known list. */
function errorTypeOf(err: unknown): string {
  if (err instanceof DeviceError) return err.name;
  if (err instanceof Error && err.name === 'SecretMissingError') return err.name;
  return 'other';
}
