/**
 * The machine workflow's series on the worker's Prometheus endpoint (docs/observability.md).
 * The SDK's workflow meter drops every value while the workflow replays, so a worker that picks
 * up a machine after a restart reports it again from its next live tick, never twice for a past one.
 *
 * Cardinality: `machine_id` appears only on the two 0/1 health gauges (two series per machine);
 * everything else is labelled by group, which a venue has tens of.
 */
import { metricMeter, workflowInfo } from '@temporalio/workflow';
import type { CheckOutcome } from '../../domain/check';
import type { MachineSpec, Power } from '../../domain/types';
import { MACHINE_METRIC_HELP, MACHINE_METRICS } from './contract';

export function recordCheck(spec: MachineSpec, outcome: CheckOutcome): void {
  metricMeter
    .createCounter(MACHINE_METRICS.checks, undefined, MACHINE_METRIC_HELP.checks)
    .add(1, { group: spec.group, outcome });
}

export function recordCommand(spec: MachineSpec, power: Power): void {
  metricMeter
    .createCounter(MACHINE_METRICS.commands, undefined, MACHINE_METRIC_HELP.commands)
    .add(1, { group: spec.group, power });
}

/** How long after its planned slot a tick's timer woke the workflow. */
export function recordTickLateness(spec: MachineSpec, latenessMs: number): void {
  metricMeter
    .createHistogram(MACHINE_METRICS.tickLateness, 'float', undefined, MACHINE_METRIC_HELP.tickLateness)
    .record(Math.max(0, latenessMs) / 1000, { group: spec.group });
}

export function recordMissedTicks(spec: MachineSpec, count: number): void {
  metricMeter
    .createCounter(MACHINE_METRICS.missedTicks, undefined, MACHINE_METRIC_HELP.missedTicks)
    .add(count, { group: spec.group });
}

export interface MachineHealthValues {
  failing: boolean;
  inMaintenance: boolean;
}

/**
 * A machine's health gauges, set when they change and again after every replay: the SDK drops
 * metrics while a workflow replays, so a worker that took the machine over (after a restart, a
 * cache eviction, a continue-as-new) has no value for it until a live tick sets one. Setting them
 * on every tick instead made two of a tick's four metric calls, each a sink call into the worker.
 */
export class HealthGauges {
  #lastSet: string | undefined;

  set(spec: MachineSpec, health: MachineHealthValues): void {
    const values = `${spec.group}|${health.failing}|${health.inMaintenance}`;
    if (values === this.#lastSet) return;
    publishMachineHealth(spec, health);
    if (!workflowInfo().unsafe.isReplaying) this.#lastSet = values;
  }
}

function publishMachineHealth(spec: MachineSpec, health: MachineHealthValues): void {
  const labels = { machine_id: spec.id, group: spec.group };
  metricMeter
    .createGauge(MACHINE_METRICS.failing, 'int', undefined, MACHINE_METRIC_HELP.failing)
    .set(health.failing ? 1 : 0, labels);
  metricMeter
    .createGauge(MACHINE_METRICS.inMaintenance, 'int', undefined, MACHINE_METRIC_HELP.inMaintenance)
    .set(health.inMaintenance ? 1 : 0, labels);
}

/** Zeroes a machine's health series that no tick will update again (retired, or moved to another group). */
export function clearMachineHealth(spec: MachineSpec): void {
  publishMachineHealth(spec, { failing: false, inMaintenance: false });
}
