import type { DriverSpec, DriverTimeouts, PjlinkDriverSpec, TcpLineDriverSpec, WolDriverSpec } from './types';

/**
 * The longest one device call (a probe or a power command) may take when every step uses its
 * full deadline. The drivers enforce these steps; the workflow sets each activity's
 * start-to-close timeout above the total, so the driver's own, descriptive timeout always
 * fires before Temporal's.
 */
export function deviceCallDeadlineMs(driver: DriverSpec): number {
  switch (driver.type) {
    case 'pjlink':
      return pjlinkDeadlineMs(driver);
    case 'http':
      return httpDeadlineMs(driver);
    case 'tcp':
      return tcpLineDeadlineMs(driver);
    case 'wol':
      return wolDeadlineMs(driver);
  }
}

/** Connect, read the greeting, one request and its reply. */
export function pjlinkDeadlineMs(spec: Pick<PjlinkDriverSpec, 'timeouts'>): number {
  return spec.timeouts.connectMs + 2 * spec.timeouts.responseMs;
}

/** Connect, then the whole response. */
export function httpDeadlineMs(spec: { timeouts: DriverTimeouts }): number {
  return spec.timeouts.connectMs + spec.timeouts.responseMs;
}

/**
 * How long a line device may greet before the command is sent: up to the response timeout for a
 * configured banner, else a short window for a greeting nobody described.
 */
export function greetingWaitMs(spec: Pick<TcpLineDriverSpec, 'timeouts' | 'banner'>): number {
  return spec.banner === undefined ? Math.min(100, spec.timeouts.responseMs) : spec.timeouts.responseMs;
}

/** Connect, the greeting, one request and its reply. */
export function tcpLineDeadlineMs(spec: Pick<TcpLineDriverSpec, 'timeouts' | 'banner'>): number {
  return spec.timeouts.connectMs + greetingWaitMs(spec) + spec.timeouts.responseMs;
}

/** Sending a UDP datagram is local; this bounds a stuck socket, not the network. */
export const MAGIC_PACKET_DEADLINE_MS = 1000;

/** The slowest of the probe, the magic packet and the power-off command. */
export function wolDeadlineMs(spec: WolDriverSpec): number {
  const probe = spec.probe.type === 'tcp-connect' ? spec.probe.timeouts.connectMs : httpDeadlineMs(spec.probe);
  const off = spec.off.type === 'http' ? httpDeadlineMs(spec.off) : tcpLineDeadlineMs(spec.off);
  return Math.max(probe, MAGIC_PACKET_DEADLINE_MS, off);
}

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

/** Start-to-close timeout of one attempt of a regular device call (probe or command). */
export function deviceCallTimeoutMs(driver: DriverSpec): number {
  return deviceCallDeadlineMs(driver) + ACTIVITY_TIMEOUT_MARGIN_MS;
}

export function localProbeTimeoutMs(driver: DriverSpec): number {
  return Math.min(deviceCallTimeoutMs(driver), LOCAL_PROBE_LIMIT_MS + LOCAL_PROBE_MARGIN_MS);
}

/**
 * The longest a tick's probe can take to conclude that a device is failing: the local attempt,
 * then the regular activity with every attempt timed out by Temporal. A bound, not an estimate:
 * the drivers' own deadlines normally end each attempt sooner.
 */
export function failedProbeBoundMs(driver: DriverSpec): number {
  return localProbeTimeoutMs(driver) + DEVICE_CALL_ATTEMPTS * deviceCallTimeoutMs(driver) + (DEVICE_CALL_ATTEMPTS - 1) * DEVICE_CALL_RETRY_INTERVAL_MS;
}
