/** What a machine shows: its status query's answer, and the search attributes visibility lists it by. */
import { upsertMemo, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { driverAspects } from '../../activities/drivers/specs';
import { aspectNames, isWanted, type AspectValue, type WantedAspect } from '../../domain/aspects';
import type { AspectState } from '../../domain/check';
import { blockersOf, DEPENDENCY_WAIT_TIMEOUT } from '../../domain/dependencies';
import { desiredPower, isInEffect } from '../../domain/desired-state';
import { nextScheduleChange } from '../../domain/schedule';
import { wantedAspectsAt } from '../../domain/tick-decision';
import type { MachineSpec, Power } from '../../domain/types';
import {
  AspectsInWantedState,
  ControlMode,
  DEPENDENCY_MEMO,
  DesiredPower,
  MachineGroup,
  MachineHealth,
  MachineId,
  ObservedPower,
  type AspectStatus,
  type DependencyMemo,
  type DependencyStatus,
  type Health,
  type NeighbourStatus,
  type MachineStatus,
  type Mode,
} from './contract';
import type { MachineState } from './machine-state';

/** Writes only the search attributes that changed. */
/** `wanted`: the aspects the tick wanted (domain/tick-decision.ts), so they are not worked out again here. */
export function publish(spec: MachineSpec, state: MachineState, desired: Power, health: Health, wantedAspects: Record<string, WantedAspect>): void {
  const current = workflowInfo().typedSearchAttributes;
  const wanted = [
    { key: MachineId, value: spec.id },
    { key: MachineGroup, value: spec.group },
    { key: DesiredPower, value: desired },
    { key: ObservedPower, value: state.lastObservation?.power ?? 'unknown' },
    { key: MachineHealth, value: health },
    { key: ControlMode, value: modeOf(state) },
    ...(spec.aspects ? [{ key: AspectsInWantedState, value: inWantedState(spec, state, wantedAspects) }] : []),
  ];
  const changed = wanted.filter(({ key, value }) => current.get(key) !== value);
  if (changed.length > 0) upsertSearchAttributes(changed);
  // Also once a configuration change took the machine's dependencies away: the last note goes.
  if (spec.dependencies || workflowInfo().memo?.[DEPENDENCY_MEMO] !== undefined) publishDependencyNote(spec, state, health);
}

/**
 * What holds the machine back, in its memo: each change is an event in its history, so the Web UI
 * shows when a step began to wait, for whom, and when it went on.
 */
function publishDependencyNote(spec: MachineSpec, state: MachineState, health: Health): void {
  const memo = dependencyMemo(spec, state, health);
  if (JSON.stringify(workflowInfo().memo?.[DEPENDENCY_MEMO]) !== JSON.stringify(memo)) upsertMemo({ [DEPENDENCY_MEMO]: memo ?? null });
}

function dependencyMemo(spec: MachineSpec, state: MachineState, health: Health): DependencyMemo | undefined {
  if (health === 'blocked') {
    const blockedBy = blockersOf(spec.dependencies, state.neighbours);
    return { note: `blocked by ${blockedBy.join(', ')}`, blockedBy };
  }
  const { waiting } = state;
  if (!waiting) return undefined;
  const failure = state.lastCheck?.failure;
  const note = failure?.type === DEPENDENCY_WAIT_TIMEOUT ? failure.message : `waiting for ${waiting.for.join(', ')} to be ${waiting.power}`;
  return { note, waitingFor: waiting.for };
}

export function statusOf(spec: MachineSpec, state: MachineState, nextTickMs: number): MachineStatus {
  const now = Date.now();
  const desired = desiredPower(spec.schedule, state.override, now);
  const health = healthOf(state, spec);
  return {
    id: spec.id,
    name: spec.name,
    group: spec.group,
    address: spec.address,
    driver: spec.driver.type,
    desired: desired.power,
    desiredSource: desired.source,
    observed: state.lastObservation,
    health,
    mode: modeOf(state),
    override: state.override,
    maintenance: state.maintenance,
    lastCheck: state.lastCheck,
    consecutiveFailures: state.consecutiveFailures,
    commandsSent: state.commandsSent,
    missedTicks: state.missedTicks,
    nextTickMs,
    nextScheduleChangeMs: nextScheduleChange(spec.schedule, now),
    aspects: aspectStatuses(spec, state, wantedAspectsAt(spec, isInEffect(state.override, now) ? state.override : undefined, desired.power, now)),
    telemetry: state.telemetry,
    telemetryFailure: state.telemetryFailure,
    ...(spec.probeOnly && { probeOnly: true }),
    ...(spec.dependencies && { dependencies: dependencyStatus(spec, state, health) }),
    audit: state.audit,
  };
}

function dependencyStatus(spec: MachineSpec, state: MachineState, health: Health): DependencyStatus {
  const heldBack = dependencyMemo(spec, state, health);
  const { needs = [], neededBy = [] } = spec.dependencies ?? {};
  const neighbour = (id: string): NeighbourStatus => {
    const report = state.neighbours?.[id];
    return { id, ...(report && { power: report.power, health: report.health }) };
  };
  const blockedBy = blockersOf(spec.dependencies, state.neighbours);
  const { poweredBy } = spec;
  return {
    needs: needs.map(neighbour),
    neededBy: neededBy.map(neighbour),
    ...(state.waiting && { waitingFor: state.waiting.for, waitingSinceMs: state.waiting.sinceMs }),
    ...(blockedBy.length > 0 && { blockedBy }),
    ...(heldBack && { heldBack }),
    ...(poweredBy && { poweredBy: { pdu: poweredBy.pdu, outlet: poweredBy.outlet, ...(state.lastPowerCycleMs !== undefined && { lastCycleMs: state.lastPowerCycleMs }) } }),
  };
}

function inWantedState(spec: MachineSpec, state: MachineState, wanted: Record<string, WantedAspect>): 'yes' | 'no' {
  return aspectStatuses(spec, state, wanted).every((aspect) => aspect.inWantedState !== false) ? 'yes' : 'no';
}

function aspectStatuses(spec: MachineSpec, state: MachineState, wanted: Record<string, WantedAspect>): AspectStatus[] {
  if (!spec.aspects) return [];
  const specs = driverAspects(spec.driver);
  return aspectNames(spec.aspects).map((name): AspectStatus => {
    const known = state.aspects?.[name];
    const want = wanted[name];
    const aspectSpec = specs[name];
    return {
      name,
      ...(want && { wanted: want.value, source: want.source, ...(want.scene !== undefined && { scene: want.scene }) }),
      ...known,
      ...(want && aspectSpec && known?.observed !== undefined && { inWantedState: isWanted(aspectSpec, want.value, known.observed) || correctedTo(known, want.value) }),
    };
  });
}

function modeOf(state: MachineState): Mode {
  if (state.maintenance) return 'maintenance';
  return state.override ? 'override' : 'schedule';
}

/**
 * Blocked while a machine it needs fails and it is not where it should be (its own check failed,
 * or its command is held back); failing after `failingAfter` failed checks in a row; unknown
 * until the device first answered.
 */
export function healthOf(state: MachineState, spec: MachineSpec): Health {
  if ((state.consecutiveFailures > 0 || state.lastCheck?.outcome === 'blocked') && blockersOf(spec.dependencies, state.neighbours).length > 0) return 'blocked';
  if (state.consecutiveFailures >= spec.failingAfter) return 'failing';
  return state.lastObservation ? 'ok' : 'unknown';
}

/** A correction to the wanted value the device acknowledged after the last reading counts as wanted until the next reading. */
function correctedTo(known: AspectState, wanted: AspectValue): boolean {
  const correction = known.lastCorrection;
  return correction !== undefined && correction.value === wanted && correction.atMs >= (known.observedAtMs ?? 0);
}
