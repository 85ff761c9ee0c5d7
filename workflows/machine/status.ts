/** What a machine shows: its status query's answer, and the search attributes visibility lists it by. */
import { upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { driverAspects } from '../../activities/drivers/specs';
import { aspectNames, isWanted, wantedAspects, type AspectValue } from '../../domain/aspects';
import type { AspectState } from '../../domain/check';
import { desiredPower, isInEffect } from '../../domain/desired-state';
import { nextScheduleChange, sceneAt } from '../../domain/schedule';
import type { MachineSpec, Power } from '../../domain/types';
import {
  AspectsInWantedState,
  ControlMode,
  DesiredPower,
  MachineGroup,
  MachineHealth,
  MachineId,
  ObservedPower,
  type AspectStatus,
  type Health,
  type MachineStatus,
  type Mode,
} from './contract';
import type { MachineState } from './machine-state';

/** Writes only the search attributes that changed. */
export function publish(spec: MachineSpec, state: MachineState, desired: Power, health: Health): void {
  const current = workflowInfo().typedSearchAttributes;
  const wanted = [
    { key: MachineId, value: spec.id },
    { key: MachineGroup, value: spec.group },
    { key: DesiredPower, value: desired },
    { key: ObservedPower, value: state.lastObservation?.power ?? 'unknown' },
    { key: MachineHealth, value: health },
    { key: ControlMode, value: modeOf(state) },
    ...(spec.aspects ? [{ key: AspectsInWantedState, value: inWantedState(spec, state, desired) }] : []),
  ];
  const changed = wanted.filter(({ key, value }) => current.get(key) !== value);
  if (changed.length > 0) upsertSearchAttributes(changed);
}

export function statusOf(spec: MachineSpec, state: MachineState, nextTickMs: number): MachineStatus {
  const now = Date.now();
  const desired = desiredPower(spec.schedule, state.override, now);
  return {
    id: spec.id,
    name: spec.name,
    group: spec.group,
    address: spec.address,
    driver: spec.driver.type,
    desired: desired.power,
    desiredSource: desired.source,
    observed: state.lastObservation,
    health: healthOf(state, spec),
    mode: modeOf(state),
    override: state.override,
    maintenance: state.maintenance,
    lastCheck: state.lastCheck,
    consecutiveFailures: state.consecutiveFailures,
    commandsSent: state.commandsSent,
    missedTicks: state.missedTicks,
    nextTickMs,
    nextScheduleChangeMs: nextScheduleChange(spec.schedule, now),
    aspects: aspectStatuses(spec, state, desired.power === 'on', now),
    telemetry: state.telemetry,
    telemetryFailure: state.telemetryFailure,
    audit: state.audit,
  };
}

function inWantedState(spec: MachineSpec, state: MachineState, desired: Power): 'yes' | 'no' {
  return aspectStatuses(spec, state, desired === 'on', Date.now()).every((aspect) => aspect.inWantedState !== false) ? 'yes' : 'no';
}

function aspectStatuses(spec: MachineSpec, state: MachineState, shouldBeOn: boolean, now: number): AspectStatus[] {
  if (!spec.aspects) return [];
  const override = isInEffect(state.override, now) ? state.override : undefined;
  const wanted = shouldBeOn ? wantedAspects(spec.aspects, sceneAt(spec.schedule, now), override) : {};
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

/** Failing after `failingAfter` failed checks in a row; unknown until the device first answered. */
export function healthOf(state: MachineState, spec: MachineSpec): Health {
  if (state.consecutiveFailures >= spec.failingAfter) return 'failing';
  return state.lastObservation ? 'ok' : 'unknown';
}

/** A correction to the wanted value the device acknowledged after the last reading counts as wanted until the next reading. */
function correctedTo(known: AspectState, wanted: AspectValue): boolean {
  const correction = known.lastCorrection;
  return correction !== undefined && correction.value === wanted && correction.atMs >= (known.observedAtMs ?? 0);
}
