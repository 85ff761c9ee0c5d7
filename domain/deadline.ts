/** Activity timeouts and attempts of device calls, built on each driver's own deadline (activities/drivers/specs.ts). */
import { pduCycleDeadlineMs, type PduOutletSpec } from '../activities/drivers/pdu/spec';
import { deviceCallDeadlineMs, telemetryDeadlineMs, type DriverSpec } from '../activities/drivers/specs';

/**
 * Temporal's start-to-close timeout of a device call sits this far above the driver's own
 * deadline, so the driver's descriptive timeout always fires first and Temporal's is the backstop.
 */
export const ACTIVITY_TIMEOUT_MARGIN_MS = 2000;
/** Attempts of a regular device call within one tick (the next tick tries again anyway), and the pause between them. */
export const DEVICE_CALL_ATTEMPTS = 2;
export const DEVICE_CALL_RETRY_INTERVAL_MS = 1000;
/**
 * The local probe of a healthy machine runs inside its workflow task: one attempt, its device
 * call cut at this limit (a DeviceTimeoutError, like the driver's own deadlines), with Temporal's
 * timeout a short margin above. sdk-core warns when a workflow task runs past 5 s and heartbeats
 * it past 80% of its 10 s timeout, and a status query waits behind the task: the API gives a
 * query 3 s, so one local attempt must end well within that.
 */
export const LOCAL_PROBE_LIMIT_MS = 2500;
const LOCAL_PROBE_MARGIN_MS = 1000;

/** Start-to-close timeout of one attempt of a regular device call: a command, or a probe that also reads the named aspects. */
export function deviceCallTimeoutMs(driver: DriverSpec, aspectReads: readonly string[] = []): number {
  return deviceCallDeadlineMs(driver, aspectReads) + ACTIVITY_TIMEOUT_MARGIN_MS;
}

/** Start-to-close timeout of one attempt of the powerCycleOutlet activity: off, `offMs` with the outlet off, on, each confirmed. */
export function powerCycleTimeoutMs(driver: PduOutletSpec, offMs: number): number {
  return pduCycleDeadlineMs(driver, offMs) + ACTIVITY_TIMEOUT_MARGIN_MS;
}

export function localProbeTimeoutMs(driver: DriverSpec, aspectReads: readonly string[] = []): number {
  return Math.min(deviceCallTimeoutMs(driver, aspectReads), LOCAL_PROBE_LIMIT_MS + LOCAL_PROBE_MARGIN_MS);
}

/** Start-to-close timeout of a telemetry read; only families that read telemetry are asked. */
export function telemetryTimeoutMs(driver: DriverSpec): number {
  return (telemetryDeadlineMs(driver) ?? deviceCallDeadlineMs(driver)) + ACTIVITY_TIMEOUT_MARGIN_MS;
}

/**
 * The longest a tick's probe can take to conclude that a device is failing: the local attempt,
 * then the regular activity with every attempt timed out by Temporal. A bound, not an estimate:
 * the drivers' own deadlines normally end each attempt sooner.
 */
export function failedProbeBoundMs(driver: DriverSpec): number {
  return localProbeTimeoutMs(driver) + DEVICE_CALL_ATTEMPTS * deviceCallTimeoutMs(driver) + (DEVICE_CALL_ATTEMPTS - 1) * DEVICE_CALL_RETRY_INTERVAL_MS;
}
