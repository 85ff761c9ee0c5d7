/**
 * The machine workflow's series on the worker's Prometheus endpoint (docs/observability.md).
 * The SDK's workflow meter drops every value while the workflow replays, so a worker that picks
 * up a machine after a restart reports it again from its next live tick, never twice for a past one.
 *
 * Cardinality: `machine_id` appears only on the two 0/1 health gauges (two series per machine);
 * everything else is labelled by group, which a venue has tens of.
 */
import { metricMeter } from '@temporalio/workflow';
import type { MachineSpec, Power } from '../domain/types';
import type { CheckOutcome } from './machine-state';

export const MACHINE_METRICS = {
  checks: 'showctl_checks_total',
  commands: 'showctl_commands_total',
  tickLateness: 'showctl_tick_lateness_seconds',
  missedTicks: 'showctl_missed_ticks_total',
  failing: 'showctl_machine_failing',
  inMaintenance: 'showctl_machine_in_maintenance',
} as const;

export function recordCheck(spec: MachineSpec, outcome: CheckOutcome): void {
  metricMeter
    .createCounter(MACHINE_METRICS.checks, undefined, 'Ticks that checked a machine, by what the check concluded')
    .add(1, { group: spec.group, outcome });
}

export function recordCommand(spec: MachineSpec, power: Power): void {
  metricMeter
    .createCounter(MACHINE_METRICS.commands, undefined, 'Power commands the workflows decided to send')
    .add(1, { group: spec.group, power });
}

/** How long after its planned slot a tick's timer woke the workflow. */
export function recordTickLateness(spec: MachineSpec, latenessMs: number): void {
  metricMeter
    .createHistogram(MACHINE_METRICS.tickLateness, 'float', undefined, 'Wake time of a tick minus its planned slot')
    .record(Math.max(0, latenessMs) / 1000, { group: spec.group });
}

export function recordMissedTicks(spec: MachineSpec, count: number): void {
  metricMeter
    .createCounter(MACHINE_METRICS.missedTicks, undefined, 'Tick slots skipped because a check overran or no worker ran')
    .add(count, { group: spec.group });
}

/**
 * Set after every tick, not only on change: a worker that restarted has no value for a machine
 * until the machine's next live tick, and a periodic set is what brings it back.
 */
export function publishMachineHealth(spec: MachineSpec, health: { failing: boolean; inMaintenance: boolean }): void {
  const labels = { machine_id: spec.id, group: spec.group };
  metricMeter
    .createGauge(MACHINE_METRICS.failing, 'int', undefined, '1 while the machine counts as failing, else 0')
    .set(health.failing ? 1 : 0, labels);
  metricMeter
    .createGauge(MACHINE_METRICS.inMaintenance, 'int', undefined, '1 while the machine is in maintenance, else 0')
    .set(health.inMaintenance ? 1 : 0, labels);
}

/** Zeroes a machine's health series that no tick will update again (retired, or moved to another group). */
export function clearMachineHealth(spec: MachineSpec): void {
  publishMachineHealth(spec, { failing: false, inMaintenance: false });
}
