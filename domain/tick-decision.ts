/**
 * What a tick decides, step by step, as pure functions of the machine's state: before the probe,
 * after the probe, after the command. The workflow's tick (workflows/machine/tick.ts) makes the
 * device calls between the steps and writes each step's changes into the state as soon as it has
 * them, so a signal handled while a device call was under way is never written over.
 */
import type { AuditEntry, CheckFailure, CheckResult, Observation } from './check';
import { desiredPower, isInEffect, type Maintenance, type Override } from './desired-state';
import { DEVICE_BUSY } from './device-failures';
import type { MachineSchedule, ObservedPower, Power } from './types';

/** The part of a machine's state (workflows/machine/machine-state.ts) a tick decides on. */
export interface TickState {
  override?: Override;
  maintenance?: Maintenance;
  consecutiveFailures: number;
  commandsSent: number;
}

/** The fields of the machine's state a step writes; every other field keeps its value. */
export type TickChanges = Partial<TickState & { lastObservation: Observation }>;

/** When the tick began and the power it wants: the same for every step of the tick. */
export type TickStart = Pick<CheckResult, 'atMs' | 'desired'>;

export type ProbeReading = Pick<Observation, 'power' | 'detail'>;

export interface TickOpening {
  tick: TickStart;
  changes: TickChanges;
  audit: AuditEntry[];
  /** The tick's result when it must leave the device alone (maintenance); absent when it probes. */
  skipped?: CheckResult;
}

/** A step after a device call. */
export interface TickStep {
  changes: TickChanges;
  /** How the tick ends; with a command, how it ends once the command is sent. */
  check: CheckResult;
  command?: Power;
}

/** Before the probe: an override or maintenance that has ended is cleared, with an audit entry each. */
export function openTick(schedule: MachineSchedule, state: TickState, now: number): TickOpening {
  const changes: TickChanges = {};
  const audit: AuditEntry[] = [];
  const system = { by: 'schedule', reason: 'expired' };
  if (state.override && !isInEffect(state.override, now)) {
    changes.override = undefined;
    audit.push({ atMs: now, action: 'override expired', ...system });
  }
  if (state.maintenance && !isInEffect(state.maintenance, now)) {
    changes.maintenance = undefined;
    audit.push({ atMs: now, action: 'maintenance expired', ...system });
  }
  const tick = { atMs: now, desired: desiredPower(schedule, state.override, now).power };
  if (!isInEffect(state.maintenance, now)) return { tick, changes, audit };
  return { tick, changes, audit, skipped: { ...tick, outcome: 'maintenance' } };
}

/** The device answered: its failures are over, and it gets a command unless it is where it should be or on its way. */
export function probeAnswered(state: TickState, tick: TickStart, reading: ProbeReading, readAtMs: number): TickStep {
  const lastObservation = { power: reading.power, detail: reading.detail, atMs: readAtMs };
  const checked = { ...tick, observed: reading.power };
  const decision = decide(tick.desired, reading.power);
  if (decision !== 'command') return { changes: { lastObservation, consecutiveFailures: 0 }, check: { ...checked, outcome: decision } };
  return {
    changes: { lastObservation, consecutiveFailures: 0, commandsSent: state.commandsSent + 1 },
    check: { ...checked, outcome: 'commanded' },
    command: tick.desired,
  };
}

export function probeFailed(state: TickState, tick: TickStart, failure: CheckFailure): TickStep {
  return failed(state, tick, failure);
}

/** A busy device is on its way somewhere (transitional, the failure kept for the status); any other failure fails the check. */
export function commandFailed(state: TickState, commanded: CheckResult, failure: CheckFailure): TickStep {
  if (failure.type === DEVICE_BUSY) return { changes: {}, check: { ...commanded, outcome: 'transitional', failure } };
  return failed(state, commanded, failure);
}

function failed(state: TickState, checked: Omit<CheckResult, 'outcome'>, failure: CheckFailure): TickStep {
  return { changes: { consecutiveFailures: state.consecutiveFailures + 1 }, check: { ...checked, outcome: 'failed', failure } };
}

/**
 * Whether to send a command. A device that is warming up or cooling down rejects commands
 * (PJLink ERR3) and must not be hammered: wait for it to settle, even when it is heading the wrong way.
 */
function decide(desired: Power, observed: ObservedPower): 'in-sync' | 'transitional' | 'command' {
  if (observed === 'warming' || observed === 'cooling') return 'transitional';
  return observed === desired ? 'in-sync' : 'command';
}
