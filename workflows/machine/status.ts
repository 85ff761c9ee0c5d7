/** What a machine shows: its status query's answer, and the search attributes visibility lists it by. */
import { upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { desiredPower } from '../../domain/desired-state';
import { nextScheduleChange } from '../../domain/schedule';
import type { MachineSpec, Power } from '../../domain/types';
import {
  ControlMode,
  DesiredPower,
  MachineGroup,
  MachineHealth,
  MachineId,
  ObservedPower,
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
    audit: state.audit,
  };
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
