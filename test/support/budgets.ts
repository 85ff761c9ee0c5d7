/**
 * How long a test may wait for what the system guarantees, derived from the machine's tick and
 * device-call bounds (domain/deadline.ts) rather than guessed. Each is an upper bound that holds on
 * a busy machine: the checks run to their full timeouts, plus an allowance for scheduling.
 */
import { deviceCallTimeoutMs, failedProbeBoundMs } from '../../domain/deadline';
import type { MachineSpec } from '../../domain/types';

/** Task dispatch, timers and a CPU shared with other test files. */
export const SCHEDULING_ALLOWANCE_MS = 10_000;

/** Until `checks` consecutive checks of a failing device have concluded: a slot for each, each at its bound. */
export function failedChecksWithinMs(spec: Pick<MachineSpec, 'tickMs' | 'driver'>, checks: number): number {
  return checks * (spec.tickMs + failedProbeBoundMs(spec.driver)) + SCHEDULING_ALLOWANCE_MS;
}

/** Until a machine whose device fails from the start is reported failing (`failingAfter` failed checks). */
export function failingWithinMs(spec: Pick<MachineSpec, 'tickMs' | 'driver' | 'failingAfter'>): number {
  return failedChecksWithinMs(spec, spec.failingAfter);
}

/** Until a device a healthy machine reads wrong is set right: the next slot, then its probe and one command, each at its bound. */
export function correctedWithinMs(spec: Pick<MachineSpec, 'tickMs' | 'driver'>): number {
  return spec.tickMs + 2 * deviceCallTimeoutMs(spec.driver, ['input', 'mute', 'volume']) + SCHEDULING_ALLOWANCE_MS;
}
