/**
 * What a machine's check records, in its state and its status: how a tick ended, what failed, what
 * the device said, and the audit trail. Made by the tick's decision (tick-decision.ts) and the
 * workflow's signal handlers; the status (workflows/machine/contract.ts) carries them as they are.
 */
import type { AspectValue } from './aspects';
import type { ObservedPower, Power } from './types';

/**
 * What one tick concluded. Waiting and blocked: its power command is held back, until its
 * neighbours are where the step needs them (domain/dependencies.ts), or while one it needs fails.
 */
export const CHECK_OUTCOMES = ['in-sync', 'commanded', 'transitional', 'failed', 'maintenance', 'waiting', 'blocked'] as const;
export type CheckOutcome = (typeof CHECK_OUTCOMES)[number];
/** Which device call of a tick failed. */
export const CHECK_STEPS = ['probe', 'command', 'telemetry'] as const;
export type CheckStep = (typeof CHECK_STEPS)[number];

export interface CheckFailure {
  step: CheckStep;
  /** The failure type, e.g. DeviceTimeoutError. */
  type: string;
  message: string;
}

export interface CheckResult {
  atMs: number;
  desired: Power;
  outcome: CheckOutcome;
  observed?: ObservedPower;
  /** The aspects the tick set because they read otherwise than wanted. */
  corrected?: string[];
  failure?: CheckFailure;
}

/** What a machine's workflow knows of one aspect: its last reading and its last correction. */
export interface AspectState {
  observed?: AspectValue;
  observedAtMs?: number;
  lastCorrection?: { value: AspectValue; atMs: number };
}

export interface Observation {
  power: ObservedPower;
  detail: string;
  atMs: number;
}

export interface AuditEntry {
  atMs: number;
  action: string;
  by: string;
  reason: string;
  requestId?: string;
}
