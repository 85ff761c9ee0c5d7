/**
 * What a tick decides, step by step, as pure functions of the machine's state: before the probe,
 * after the probe, after the command. The workflow's tick (workflows/machine/tick.ts) makes the
 * device calls between the steps and writes each step's changes into the state as soon as it has
 * them, so a signal handled while a device call was under way is never written over.
 */
import { driftedAspects, wantedAspects, type AspectSpecs, type AspectValue, type WantedAspect } from './aspects';
import type { AspectState, AuditEntry, CheckFailure, CheckResult, Observation } from './check';
import { desiredPower, isInEffect, type Maintenance, type Override } from './desired-state';
import { DEVICE_BUSY } from './device-failures';
import { sceneAt } from './schedule';
import type { MachineSpec, ObservedPower, Power } from './types';

/** The part of a machine's state (workflows/machine/machine-state.ts) a tick decides on. */
export interface TickState {
  override?: Override;
  maintenance?: Maintenance;
  consecutiveFailures: number;
  commandsSent: number;
  /** What was last read and corrected of each aspect; absent until a first reading. */
  aspects?: Record<string, AspectState>;
}

/** The fields of the machine's state a step writes; every other field keeps its value. */
export type TickChanges = Partial<TickState & { lastObservation: Observation }>;

/** When the tick began and the power it wants: the same for every step of the tick. */
export type TickStart = Pick<CheckResult, 'atMs' | 'desired'>;

export type ProbeReading = Pick<Observation, 'power' | 'detail'> & {
  /** The wanted aspects, read once the device is on. */
  aspects?: Record<string, AspectValue>;
};

export interface TickOpening {
  tick: TickStart;
  /** The aspects to read and correct this tick: none unless the machine should be on. */
  wanted: Record<string, WantedAspect>;
  changes: TickChanges;
  audit: AuditEntry[];
  /** The tick's result when it must leave the device alone (maintenance); absent when it probes. */
  skipped?: CheckResult;
}

export interface AspectCorrection {
  aspect: string;
  value: AspectValue;
}

/** A step after a device call. */
export interface TickStep {
  changes: TickChanges;
  /** How the tick ends; with a command or corrections, how it ends once they are sent. */
  check: CheckResult;
  command?: Power;
  /** Aspects to set, one command each, once the device is on as it should be. */
  corrections?: AspectCorrection[];
}

/** Before the probe: an override or maintenance that has ended is cleared, with an audit entry each. */
export function openTick(spec: Pick<MachineSpec, 'schedule' | 'aspects'>, state: TickState, now: number): TickOpening {
  const { schedule } = spec;
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
  const override = isInEffect(state.override, now) ? state.override : undefined;
  const tick = { atMs: now, desired: desiredPower(schedule, override, now).power };
  const wanted = wantedAspectsAt(spec, override, tick.desired, now);
  if (!isInEffect(state.maintenance, now)) return { tick, wanted, changes, audit };
  return { tick, wanted, changes, audit, skipped: { ...tick, outcome: 'maintenance' } };
}

/** What a machine's aspects should be at `atMs`: nothing while it should be off, so they are left alone. */
export function wantedAspectsAt(spec: Pick<MachineSpec, 'schedule' | 'aspects'>, override: Override | undefined, desired: Power, atMs: number): Record<string, WantedAspect> {
  return spec.aspects && desired === 'on' ? wantedAspects(spec.aspects, sceneAt(spec.schedule, atMs), override) : {};
}

/**
 * The device answered: its failures are over, and it gets a power command unless it is where it
 * should be or on its way; once it is on as it should be, each wanted aspect it reads otherwise
 * gets a correction.
 */
export function probeAnswered(state: TickState, tick: TickStart, reading: ProbeReading, readAtMs: number, aspects: AspectSpecs = {}, wanted: Record<string, WantedAspect> = {}): TickStep {
  const lastObservation = { power: reading.power, detail: reading.detail, atMs: readAtMs };
  const checked = { ...tick, observed: reading.power };
  const observed = reading.aspects === undefined ? {} : { aspects: observedAspects(state, reading.aspects, readAtMs) };
  const decision = decide(tick.desired, reading.power);
  if (decision === 'command') {
    return {
      changes: { lastObservation, consecutiveFailures: 0, commandsSent: state.commandsSent + 1, ...observed },
      check: { ...checked, outcome: 'commanded' },
      command: tick.desired,
    };
  }
  const corrections = decision === 'in-sync' && reading.aspects ? driftedAspects(aspects, wanted, reading.aspects) : [];
  if (corrections.length === 0) return { changes: { lastObservation, consecutiveFailures: 0, ...observed }, check: { ...checked, outcome: decision } };
  return {
    changes: { lastObservation, consecutiveFailures: 0, commandsSent: state.commandsSent + corrections.length, ...observed },
    check: { ...checked, outcome: 'commanded', corrected: corrections.map(({ name }) => name) },
    corrections: corrections.map(({ name, value }) => ({ aspect: name, value })),
  };
}

/** A power command held back by the machine's neighbours (domain/dependencies.ts): not sent, so not counted. */
export function commandHeld(state: TickState, probed: TickStep, outcome: 'waiting' | 'blocked'): TickStep {
  return { changes: { ...probed.changes, commandsSent: state.commandsSent }, check: { ...probed.check, outcome } };
}

/** A held command whose wait timed out where the configuration says fail: a failed check like any other, so it alerts. */
export function commandWaitFailed(state: TickState, probed: TickStep, failure: CheckFailure): TickStep {
  return {
    changes: { ...probed.changes, commandsSent: state.commandsSent, consecutiveFailures: state.consecutiveFailures + 1 },
    check: { ...probed.check, outcome: 'failed', failure },
  };
}

/** A correction was sent and acknowledged. */
export function aspectCorrected(state: TickState, correction: AspectCorrection, atMs: number): TickChanges {
  const previous = state.aspects?.[correction.aspect] ?? {};
  return { aspects: { ...state.aspects, [correction.aspect]: { ...previous, lastCorrection: { value: correction.value, atMs } } } };
}

function observedAspects(state: TickState, read: Record<string, AspectValue>, atMs: number): Record<string, AspectState> {
  const aspects = { ...state.aspects };
  for (const [name, value] of Object.entries(read)) aspects[name] = { ...aspects[name], observed: value, observedAtMs: atMs };
  return aspects;
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
