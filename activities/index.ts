import { Context } from '@temporalio/activity';
import type { MetricCounter, MetricHistogram, MetricMeter } from '@temporalio/common';
import { Runtime } from '@temporalio/worker';
import { SECRET_MISSING } from '../domain/device-failures';
import type { MachineTarget, Power } from '../domain/types';
import { driverFor, type PowerReading } from './drivers';
import type { SecretResolver } from './drivers/shared/spec';
import { DeviceError, DeviceTimeoutError } from './errors';

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
    /** `limit` bounds the whole call below the driver's own deadlines (the local probe's). */
    async probePower(target: MachineTarget, limit?: ProbeLimit): Promise<PowerReading> {
      const call = callFor(target);
      if (!limit) return measured(target, 'probe', () => driverFor(target).probe(call));
      const limited = new AbortController();
      const timer = setTimeout(() => limited.abort(limitReached(limit.withinMs)), limit.withinMs);
      try {
        return await measured(target, 'probe', () => driverFor(target).probe({ ...call, signal: AbortSignal.any([call.signal, limited.signal]) }));
      } finally {
        clearTimeout(timer);
      }
    },
    async setPower(target: MachineTarget, power: Power): Promise<{ detail: string }> {
      return measured(target, 'command', () => driverFor(target).setPower(callFor(target), power));
    },
  };
}

export type Activities = ReturnType<typeof createActivities>;

export interface ProbeLimit {
  withinMs: number;
}

/** Drivers report an abort whose reason is a TimeoutError as a DeviceTimeoutError, with this message. */
function limitReached(withinMs: number): Error {
  const reason = new Error(`the local probe's limit of ${withinMs} ms`);
  reason.name = 'TimeoutError';
  return reason;
}

/**
 * Records the call's duration and, when it fails, its error type and whether a deadline ended it.
 * The SDK counts neither: a call the driver's own deadline ended is an ordinary failure to it,
 * and an attempt the worker times out locally is not counted as failed at all.
 */
async function measured<T>(target: MachineTarget, operation: DeviceOperation, call: () => Promise<T>): Promise<T> {
  const context = Context.current();
  const metrics = deviceCallMetrics();
  // The tags the SDK puts on an activity's own metricMeter, so our series read like its custom ones.
  const { namespace, taskQueue, activityType } = context.info;
  const tags = { namespace, taskQueue, activityType, driver: target.driver.type, operation };
  const startedAt = performance.now();
  try {
    const result = await call();
    metrics.duration.record((performance.now() - startedAt) / 1000, { ...tags, result: 'ok' });
    return result;
  } catch (err) {
    metrics.duration.record((performance.now() - startedAt) / 1000, { ...tags, result: 'error' });
    metrics.failures.add(1, { ...tags, error: errorTypeOf(err) });
    const deadline = context.cancellationDetails?.timedOut ? 'activity' : err instanceof DeviceTimeoutError ? 'driver' : undefined;
    if (deadline) metrics.timeouts.add(1, { ...tags, deadline });
    throw err;
  }
}

interface DeviceCallMetrics {
  duration: MetricHistogram;
  failures: MetricCounter;
  timeouts: MetricCounter;
}

const metricsByMeter = new WeakMap<MetricMeter, DeviceCallMetrics>();

/**
 * The instruments, made once per SDK runtime on the runtime's meter (the one behind every
 * activity's `Context.metricMeter`, served on the same endpoint). Making them per call, as
 * `Context.metricMeter` requires, costs a native call and native memory that only a later GC
 * frees: about 25 MB more resident memory at a thousand calls a second. The runtime is looked up
 * each time because the SDK replaces it when every worker and connection has closed.
 */
function deviceCallMetrics(): DeviceCallMetrics {
  const meter = Runtime.instance().metricMeter;
  let metrics = metricsByMeter.get(meter);
  if (!metrics) {
    metrics = {
      duration: meter.createHistogram(DEVICE_METRICS.callDuration, 'float', undefined, 'Device calls, by how long they took'),
      failures: meter.createCounter(DEVICE_METRICS.callFailures, undefined, 'Failed device calls, by error type'),
      timeouts: meter.createCounter(DEVICE_METRICS.timeouts, undefined, "Device calls a deadline ended: the driver's own or the activity's"),
    };
    metricsByMeter.set(meter, metrics);
  }
  return metrics;
}

/** The error class name when it is one of ours, so the label's values stay a short, known list. */
function errorTypeOf(err: unknown): string {
  if (err instanceof DeviceError) return err.name;
  if (err instanceof Error && err.name === SECRET_MISSING) return err.name;
  return 'other';
}
