/** Line-based TCP control protocols: what a machine's `driver:` block becomes, and what it costs in time. */
import { declaredAspectSpecs, sumOfSteps, type DeclaredAspect, type DriverFamilySpec, type DriverTimeouts, type StateMatchers } from '../shared/spec';

export interface TcpExchangeSpec {
  /** Text sent, without terminator. */
  send: string;
  /** Regex the reply must match for success. */
  expect: string;
}

export interface TcpProbeSpec {
  send: string;
  /** Regexes matched against the reply line, per state. */
  states: StateMatchers;
}

export interface TcpLineDriverSpec {
  type: 'tcp';
  host: string;
  port: number;
  /** Appended to every command. */
  sendTerminator: string;
  /** Ends each reply line. */
  receiveTerminator: string;
  /**
   * Regex of the last line the device greets each connection with. Set: the driver waits for it
   * (up to the response timeout) before it sends. Unset: it listens for a short window instead.
   */
  banner?: string;
  timeouts: DriverTimeouts;
  maxResponseBytes: number;
  probe: TcpProbeSpec;
  on: TcpExchangeSpec;
  off: TcpExchangeSpec;
  aspects?: Record<string, TcpAspectSpec>;
}

/** An aspect read by a query whose reply a regex captures the value from, and set by a command. */
export type TcpAspectSpec = DeclaredAspect<{ send: string; /** Regex with one capture group: the value. */ value: string }, TcpExchangeSpec>;

/** How to reach a line device, without what to say to it. */
export type TcpConnectionSpec = Pick<
  TcpLineDriverSpec,
  'host' | 'port' | 'sendTerminator' | 'receiveTerminator' | 'banner' | 'timeouts' | 'maxResponseBytes'
>;

/** How long a device may greet unasked when no banner describes its greeting. */
const UNDESCRIBED_GREETING_MS = 100;

/**
 * Each step of an exchange and how long the client waits for it: connect, the greeting (up to the
 * response timeout for a configured banner, else a short window for a greeting nobody described),
 * the command's reply.
 */
export function tcpSteps(spec: Pick<TcpConnectionSpec, 'timeouts' | 'banner'>) {
  const { connectMs, responseMs } = spec.timeouts;
  const greetingMs = spec.banner === undefined ? Math.min(UNDESCRIBED_GREETING_MS, responseMs) : responseMs;
  return { connectMs, greetingMs, replyMs: responseMs };
}

export const tcpFamily: DriverFamilySpec<TcpLineDriverSpec> = {
  label: 'TCP',
  // One connection: each aspect read is one more request and reply on it.
  deadlineMs: (spec, aspectReads) => sumOfSteps(tcpSteps(spec)) + aspectReads.length * tcpSteps(spec).replyMs,
  secretRefs: () => [],
  aspects: (spec) => declaredAspectSpecs(spec.aspects),
};
