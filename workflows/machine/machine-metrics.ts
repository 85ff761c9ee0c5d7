/**
 * The machine workflow's series on the worker's Prometheus endpoint (docs/observability.md).
 * The SDK's workflow meter drops every value while the workflow replays, so a worker that picks
 * up a machine after a restart reports it again from its next live tick, never twice for a past one.
 *
 * Cardinality: `machine_id` appears only on the two 0/1 health gauges; everything else is labelled
 * by group, which a venue has tens of. The failing gauge also names what failed while the machine
 * fails (`failed_step`: probe or command; `failure_type`: one of FAILURE_TYPE_LABELS, else `other`),
 * so an alert can say it: a machine has its healthy series plus one per step and type it has failed
 * with since the worker started, each set back to 0 when the failure changes; in practice two or three.
 */
import { metricMeter, workflowInfo } from '@temporalio/workflow';
import type { CheckFailure, CheckOutcome } from '../../domain/check';
import { DEPENDENCY_WAIT_TIMEOUT } from '../../domain/dependencies';
import { ACTIVITY_TIMEOUT, DEVICE_FAILURE_TYPES } from '../../domain/device-failures';
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
  /** Not where it should be while a machine it needs fails: its own alerts give way to the root's. */
  blocked: boolean;
  /** What the last check that failed reported (MachineState.lastFailure); named while the machine fails. */
  failure?: CheckFailure;
}

/** The values `failure_type` takes; anything else (a bug, an SDK failure) is `other`. */
export const FAILURE_TYPE_LABELS: readonly string[] = [...DEVICE_FAILURE_TYPES, ACTIVITY_TIMEOUT, DEPENDENCY_WAIT_TIMEOUT];

interface FailureLabels {
  failed_step: string;
  failure_type: string;
}

/**
 * A machine's health gauges, set when they change and again after every replay: the SDK drops
 * metrics while a workflow replays, so a worker that took the machine over (after a restart, a
 * cache eviction, a continue-as-new) has no value for it until a live tick sets one. Setting them
 * on every tick instead made two of a tick's four metric calls, each a sink call into the worker.
 */
export class HealthGauges {
  #lastSet: string | undefined;
  /**
   * The failing series last set to 1, to set back to 0 when the failure changes. Followed during
   * replay too: a worker that replays a run it had cached before (an eviction) still exports what
   * the run set. A run continued as new starts from what its predecessor last set, if it was failing.
   */
  #failingSeries: { group: string; labels: FailureLabels } | undefined;

  constructor(carried?: { group: string; failure: CheckFailure | undefined }) {
    if (carried?.failure) this.#failingSeries = { group: carried.group, labels: failureLabels(carried.failure) };
  }

  set(spec: MachineSpec, health: MachineHealthValues): void {
    const failure = health.failing ? (health.failure ? failureLabels(health.failure) : (this.#failingSeries?.labels ?? UNKNOWN_FAILURE)) : undefined;
    const values = `${spec.group}|${health.failing}|${health.inMaintenance}|${health.blocked}|${failure?.failed_step}|${failure?.failure_type}`;
    if (values === this.#lastSet) return;
    const previous = this.#failingSeries;
    if (previous && (previous.group !== spec.group || previous.labels.failed_step !== failure?.failed_step || previous.labels.failure_type !== failure?.failure_type)) {
      failingGauge().set(0, { machine_id: spec.id, group: previous.group, ...previous.labels });
    }
    publishMachineHealth(spec, health, failure);
    this.#failingSeries = failure && { group: spec.group, labels: failure };
    if (!workflowInfo().unsafe.isReplaying) this.#lastSet = values;
  }

  /** Zeroes a machine's health series that no tick will update again (retired, or moved to another group). */
  clear(spec: MachineSpec): void {
    const previous = this.#failingSeries;
    if (previous) failingGauge().set(0, { machine_id: spec.id, group: previous.group, ...previous.labels });
    publishMachineHealth(spec, { inMaintenance: false, blocked: false }, undefined);
    this.#lastSet = undefined;
    this.#failingSeries = undefined;
  }
}

/** A run started before MachineState.lastFailure existed, failing in maintenance: what failed is not known. */
const UNKNOWN_FAILURE: FailureLabels = { failed_step: 'unknown', failure_type: 'other' };

function failureLabels(failure: CheckFailure): FailureLabels {
  return { failed_step: failure.step, failure_type: FAILURE_TYPE_LABELS.includes(failure.type) ? failure.type : 'other' };
}

function failingGauge() {
  return metricMeter.createGauge(MACHINE_METRICS.failing, 'int', undefined, MACHINE_METRIC_HELP.failing);
}

/** The healthy series is the one without failure labels; a failing machine's is 1 with them. */
function publishMachineHealth(spec: MachineSpec, health: Pick<MachineHealthValues, 'inMaintenance' | 'blocked'>, failure: FailureLabels | undefined): void {
  const labels = { machine_id: spec.id, group: spec.group };
  failingGauge().set(failure ? 1 : 0, failure ? { ...labels, ...failure } : labels);
  metricMeter
    .createGauge(MACHINE_METRICS.inMaintenance, 'int', undefined, MACHINE_METRIC_HELP.inMaintenance)
    .set(health.inMaintenance ? 1 : 0, labels);
  metricMeter.createGauge(MACHINE_METRICS.blocked, 'int', undefined, MACHINE_METRIC_HELP.blocked).set(health.blocked ? 1 : 0, labels);
}
