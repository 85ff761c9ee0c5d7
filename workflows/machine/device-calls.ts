/**
 * The device calls of a tick (probe, power command, aspect corrections, telemetry) as activities,
 * and how their failures read.
 * The probe's patch markers decide which path a replayed run takes: their names and the order
 * they are checked in are part of every recorded history.
 */
import {
  ActivityFailure,
  ApplicationFailure,
  TemporalFailure,
  TimeoutFailure,
  log,
  patched,
  proxyActivities,
  proxyLocalActivities,
} from '@temporalio/workflow';
import type { Activities } from '../../activities';
import type { PowerReading } from '../../activities/drivers';
import { driverLabel } from '../../activities/drivers/specs';
import { DEVICE_CALL_ATTEMPTS, DEVICE_CALL_RETRY_INTERVAL_MS, deviceCallTimeoutMs, LOCAL_PROBE_LIMIT_MS, localProbeTimeoutMs, powerCycleTimeoutMs, telemetryTimeoutMs } from '../../domain/deadline';
import type { PoweredBy } from '../../domain/dependencies';
import type { AspectCorrection } from '../../domain/tick-decision';
import { ACTIVITY_TIMEOUT, nonRetryableDeviceErrors } from '../../domain/device-failures';
import type { MachineSpec, MachineTarget, Power } from '../../domain/types';
import type { CheckFailure } from '../../domain/check';
import type { MachineState } from './machine-state';

const PROBE_AS_LOCAL_ACTIVITY = 'probe-as-local-activity';
const PROBE_PATH_BY_LAST_RESULT = 'probe-path-by-last-result';

/**
 * A machine whose last probe answered is probed by a local activity: one attempt under a short
 * deadline, inside the tick's one workflow task, one marker in history. When it fails, the same
 * tick probes again as a regular activity, and so does every tick after until a probe answers:
 * a failing device call is then an activity task in history, red in the Web UI with its message,
 * and the workflow task is not held while the device hangs (queries and signals are answered).
 */
export async function probe(spec: MachineSpec, state: MachineState, target: MachineTarget, aspects: readonly string[]): Promise<PowerReading> {
  if (!patched(PROBE_PATH_BY_LAST_RESULT)) return legacyProbeActivity(spec)(target);
  // Absent rather than empty, so a machine without aspects sends the probe it always sent.
  const reads = aspects.length === 0 ? {} : { aspects };
  if (state.probePath !== 'activity') {
    try {
      return await localProbeActivity(spec, aspects)(target, { withinMs: LOCAL_PROBE_LIMIT_MS, ...reads });
    } catch (err) {
      const failure = failureOf(err, 'probe');
      log.info(`${spec.id}: local probe failed, probing again as an activity`, { failureType: failure.type, message: failure.message });
      state.probePath = 'activity';
    }
  }
  const probeByActivity = probeActivity(spec, aspects);
  const reading = aspects.length === 0 ? await probeByActivity(target) : await probeByActivity(target, reads);
  state.probePath = 'local';
  return reading;
}

/**
 * Commands are rare and change the device: each is a full activity, its own task in the history.
 * `note`: why it goes now, e.g. that its wait for its neighbours timed out.
 */
export function commandActivity(spec: MachineSpec, power: Power, note?: string) {
  const summary = `${driverLabel(spec.driver)} power ${power} ${spec.id}${note === undefined ? '' : ` (${note})`}`;
  return proxyActivities<Activities>(deviceCallOptions(spec, summary)).setPower;
}

/** A correction is a command like a power command, named in the Web UI by what it sets, e.g. `PJLink input HDMI1 proj-03`. */
export function correctionActivity(spec: MachineSpec, correction: AspectCorrection) {
  const summary = `${driverLabel(spec.driver)} ${correction.aspect} ${String(correction.value)} ${spec.id}`;
  return proxyActivities<Activities>(deviceCallOptions(spec, summary)).setAspect;
}

/**
 * A power cycle switches mains: one attempt (a second would cut the power again), bounded by the
 * PDU's step budgets and the time off. Named in the Web UI by the outlet and the machine it feeds.
 */
export function powerCycleActivity(spec: MachineSpec, poweredBy: PoweredBy, offMs: number) {
  return proxyActivities<Activities>({
    startToCloseTimeout: powerCycleTimeoutMs(poweredBy.driver, offMs),
    retry: { maximumAttempts: 1 },
    summary: `${driverLabel(poweredBy.driver)} power cycle ${poweredBy.pdu} outlet ${poweredBy.outlet} for ${spec.id}`,
  }).powerCycleOutlet;
}

/** Read-only and hourly: one attempt (the next interval tries again), bounded like any device call. */
export function telemetryActivity(spec: MachineSpec) {
  return proxyActivities<Activities>({
    startToCloseTimeout: telemetryTimeoutMs(spec.driver),
    retry: { maximumAttempts: 1 },
    summary: `${driverLabel(spec.driver)} telemetry ${spec.id}`,
  }).readTelemetry;
}

/** Only activity failures are device trouble; anything else is a bug and must fail the workflow task. */
export function failureOf(err: unknown, step: CheckFailure['step']): CheckFailure {
  // A local activity's failure arrives unwrapped, a remote one's inside an ActivityFailure.
  const cause = err instanceof ActivityFailure ? err.cause : err;
  if (!(cause instanceof TemporalFailure)) throw err;
  if (cause instanceof ApplicationFailure) return { step, type: cause.type ?? 'Error', message: cause.message };
  if (cause instanceof TimeoutFailure) {
    return { step, type: ACTIVITY_TIMEOUT, message: `activity ${cause.timeoutType} timeout: ${cause.message}` };
  }
  return { step, type: cause.name, message: cause.message };
}

/**
 * Both device calls run under the driver's own deadline, with Temporal's start-to-close timeout a
 * margin above it as the backstop, and at most two attempts inside the tick (the next tick tries
 * again anyway).
 */
function deviceCallOptions(spec: MachineSpec, summary: string, aspectReads: readonly string[] = []) {
  return {
    startToCloseTimeout: deviceCallTimeoutMs(spec.driver, aspectReads),
    retry: {
      maximumAttempts: DEVICE_CALL_ATTEMPTS,
      initialInterval: DEVICE_CALL_RETRY_INTERVAL_MS,
      backoffCoefficient: 1,
      nonRetryableErrorTypes: [...nonRetryableDeviceErrors],
    },
    summary,
  };
}

/**
 * Every tick of a healthy machine probes, so that probe is a local activity: it runs on the worker
 * that holds the workflow, inside the tick's one workflow task, and history records one marker
 * instead of an activity task's three events and a second workflow task. That halves what a
 * healthy tick costs the Temporal server (BENCHMARKS.md). One attempt, its device call cut at
 * LOCAL_PROBE_LIMIT_MS, so the workflow task (and any query or signal waiting behind it) is held
 * for seconds at most, even by a device that accepts and never answers.
 */
function localProbeActivity(spec: MachineSpec, aspectReads: readonly string[]) {
  return proxyLocalActivities<Activities>({
    startToCloseTimeout: localProbeTimeoutMs(spec.driver, aspectReads),
    retry: { maximumAttempts: 1 },
    summary: probeSummary(spec),
  }).probePower;
}

/** The probe of a machine whose last probe failed: a regular activity with the device call's full bounds. */
function probeActivity(spec: MachineSpec, aspectReads: readonly string[]) {
  return proxyActivities<Activities>(deviceCallOptions(spec, probeSummary(spec), aspectReads)).probePower;
}

/**
 * Runs recorded before the two probe paths replay the probe they were recorded with: a local
 * activity with two attempts, or (before that) a full activity. Every run started since has the
 * newer marker; once none of the older runs is left (each continues as new within ticksPerRun),
 * these become deprecatePatch and then go.
 */
function legacyProbeActivity(spec: MachineSpec) {
  const options = deviceCallOptions(spec, probeSummary(spec));
  if (!patched(PROBE_AS_LOCAL_ACTIVITY)) return proxyActivities<Activities>(options).probePower;
  return proxyLocalActivities<Activities>(options).probePower;
}

function probeSummary(spec: MachineSpec): string {
  return `${driverLabel(spec.driver)} probe ${spec.id}`;
}
