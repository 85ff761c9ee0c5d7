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
