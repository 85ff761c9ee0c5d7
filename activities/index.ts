import { Context } from '@temporalio/activity';
import type { MetricCounter, MetricGauge, MetricHistogram, MetricMeter } from '@temporalio/common';
import { Runtime } from '@temporalio/worker';
import type { AspectValue } from '../domain/aspects';
import { SECRET_MISSING } from '../domain/device-failures';
import { COMPONENT_STATES, DEVICE_COMPONENTS, type Telemetry } from '../domain/telemetry';
import type { MachineTarget, Power } from '../domain/types';
import { cycleOutlet, driverFor, type PowerReading } from './drivers';
import type { SecretResolver } from './drivers/shared/spec';
import { DeviceCallContext, DeviceConfigError, DeviceError, DeviceTimeoutError } from './errors';

export interface ActivityDeps {
  /** Resolves credentials on the worker, so they never enter workflow history. */
  secrets: SecretResolver;
}

/** The device-call series on the worker's Prometheus endpoint (docs/observability.md). */
export const DEVICE_METRICS = {
  callDuration: 'showctl_device_call_duration_seconds',
  callFailures: 'showctl_device_call_failures_total',
  timeouts: 'showctl_device_timeouts_total',
  lampHours: 'showctl_lamp_hours',
  componentState: 'showctl_device_component_state',
} as const;

type DeviceOperation = 'probe' | 'command' | 'telemetry';

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
    /** Power, and the aspects asked for once the device is on; `withinMs` bounds the whole call below the driver's own deadlines (the local probe's). */
    async probePower(target: MachineTarget, options: ProbeOptions = {}): Promise<PowerReading> {
      const call = callFor(target);
      const aspects = options.aspects ?? [];
      const { withinMs } = options;
      if (withinMs === undefined) return measured(target, 'probe', () => driverFor(target).probe(call, aspects));
      const limited = new AbortController();
      const timer = setTimeout(() => limited.abort(limitReached(withinMs)), withinMs);
      try {
        return await measured(target, 'probe', () => driverFor(target).probe({ ...call, signal: AbortSignal.any([call.signal, limited.signal]) }, aspects));
      } finally {
        clearTimeout(timer);
      }
    },
    async setPower(target: MachineTarget, power: Power): Promise<{ detail: string }> {
      return measured(target, 'command', () => driverFor(target).setPower(callFor(target), power));
    },
    async setAspect(target: MachineTarget, aspect: string, value: AspectValue): Promise<{ detail: string }> {
      const { setAspect } = driverFor(target);
      if (!setAspect) throw unsupported(target, 'set aspect', `the ${target.driver.type} driver has no aspects`);
      return measured(target, 'command', () => setAspect(callFor(target), aspect, value));
    },
    /**
     * Switches the PDU outlet that feeds a machine off, leaves it off for `offMs`, and on again.
     * `target` is the machine fed (its id and name) with the PDU's address and driver, an outlet
     * included; set the activity's start-to-close timeout with powerCycleTimeoutMs (domain/deadline.ts).
     */
    async powerCycleOutlet(target: MachineTarget, offMs: number): Promise<{ detail: string }> {
      return measured(target, 'command', () => cycleOutlet(callFor(target), offMs));
    },
    /** Lamp hours, error status and identity; also recorded as gauges per machine for alert rules. */
    async readTelemetry(target: MachineTarget): Promise<Telemetry> {
      const { readTelemetry } = driverFor(target);
      if (!readTelemetry) throw unsupported(target, 'read telemetry', `the ${target.driver.type} driver reads no telemetry`);
      const telemetry = { atMs: Date.now(), ...(await measured(target, 'telemetry', () => readTelemetry(callFor(target)))) };
      recordTelemetry(target, telemetry);
      return telemetry;
    },
  };
}

export type Activities = ReturnType<typeof createActivities>;

export interface ProbeOptions {
  withinMs?: number;
  /** Aspects to read, in the same call, once the device is on. */
  aspects?: readonly string[];
}

function unsupported(target: MachineTarget, step: string, problem: string): DeviceConfigError {
  return new DeviceCallContext(target, target.address).error(DeviceConfigError, step, problem);
}

/** The latest reading of each machine's lamps and components, for alert rules (observability/alerts.yml). */
function recordTelemetry(target: MachineTarget, telemetry: Telemetry): void {
  const { lampHours, componentState } = deviceCallMetrics();
  const machine = { machine_id: target.id };
  telemetry.lamps?.forEach((lamp, index) => lampHours.set(lamp.hours, { ...machine, lamp: String(index + 1) }));
  if (!telemetry.errors) return;
  for (const component of DEVICE_COMPONENTS) componentState.set(COMPONENT_STATES.indexOf(telemetry.errors[component]), { ...machine, component });
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
  lampHours: MetricGauge;
  componentState: MetricGauge;
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
      lampHours: meter.createGauge(DEVICE_METRICS.lampHours, 'int', undefined, 'Hours each lamp has been lit, as the device last reported'),
      componentState: meter.createGauge(DEVICE_METRICS.componentState, 'int', undefined, "A device component's last reported state: 0 ok, 1 warning, 2 error"),
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
