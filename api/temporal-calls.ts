import type { Client } from '@temporalio/client';

/**
 * Every call to Temporal gets a deadline: the SDK retries an unreachable server for about
 * 20 s and a query to a workflow nobody polls waits 30 s, far longer than an HTTP caller should.
 */
export const DEFAULT_TEMPORAL_TIMEOUT_MS = 5_000;

export interface TemporalAccess {
  client: Client;
  /** The deadline of one call unless the caller gives another. */
  temporalTimeoutMs: number;
  /**
   * Calls still running, also those whose HTTP caller has gone: stop() waits for them (each is
   * bounded by its deadline) so the client connection is never closed under a call.
   */
  inFlight: Set<Promise<unknown>>;
}

export function withDeadline<T>(temporal: TemporalAccess, call: () => Promise<T>, timeoutMs = temporal.temporalTimeoutMs): Promise<T> {
  const running = temporal.client.withDeadline(Date.now() + timeoutMs, call);
  temporal.inFlight.add(running);
  const forget = () => temporal.inFlight.delete(running);
  running.then(forget, forget);
  return running;
}

const GRPC_CANCELLED = 1;
const GRPC_DEADLINE_EXCEEDED = 4;
const GRPC_UNAVAILABLE = 14;

export type TemporalFailure = 'unreachable' | 'no-answer';

/** The gRPC status code of a Temporal client error, which wraps the gRPC error as its cause. */
export function grpcCodeOf(err: unknown): number | undefined {
  for (let current = err, depth = 0; current && depth < 5; depth++) {
    if (typeof current !== 'object') return undefined;
    const { code, details, cause } = current as { code?: unknown; details?: unknown; cause?: unknown };
    if (typeof code === 'number' && typeof details === 'string') return code;
    current = cause;
  }
  return undefined;
}

/**
 * Whether an error means Temporal itself could not be reached or did not answer in time (a
 * deadline ends the call as CANCELLED or DEADLINE_EXCEEDED, depending on where it fires).
 */
export function temporalFailureKind(err: unknown): TemporalFailure | undefined {
  const code = grpcCodeOf(err);
  if (code === GRPC_UNAVAILABLE) return 'unreachable';
  if (code === GRPC_DEADLINE_EXCEEDED || code === GRPC_CANCELLED) return 'no-answer';
  return undefined;
}
