/** One tick: the device calls, metrics and status around the tick's decision (domain/tick-decision.ts). */
import { log } from '@temporalio/workflow';
import { driverAspects } from '../../activities/drivers/specs';
import type { WantedAspect } from '../../domain/aspects';
import type { CheckResult } from '../../domain/check';
import {
  aspectCorrected,
  commandFailed,
  openTick,
  probeAnswered,
  probeFailed,
  type ProbeReading,
  type TickStart,
  type TickStep,
} from '../../domain/tick-decision';
import type { MachineSpec, MachineTarget } from '../../domain/types';
import { commandActivity, correctionActivity, failureOf, probe, telemetryActivity } from './device-calls';
import { recordCheck, recordCommand, type HealthGauges } from './machine-metrics';
import { recordAudit, type MachineState } from './machine-state';
import { healthOf, publish } from './status';

/** What the run's code version does beyond power: decided once at the run's start (workflow.ts). */
export interface RunFeatures {
  aspectsAndTelemetry: boolean;
}

export async function reconcile(spec: MachineSpec, state: MachineState, healthGauges: HealthGauges, features: RunFeatures): Promise<void> {
  const opening = openTick(spec, state, Date.now());
  Object.assign(state, opening.changes);
  for (const entry of opening.audit) recordAudit(state, entry);
  const { tick } = opening;
  try {
    state.lastCheck = opening.skipped ?? (await check(spec, state, tick, features.aspectsAndTelemetry ? opening.wanted : {}));
    recordCheck(spec, state.lastCheck.outcome);
    if (state.lastCheck.observed !== undefined && features.aspectsAndTelemetry) await readTelemetryWhenDue(spec, state);
  } finally {
    const health = healthOf(state, spec);
    publish(spec, state, tick.desired, health, opening.wanted);
    healthGauges.set(spec, { failing: health === 'failing', inMaintenance: state.maintenance !== undefined, failure: state.lastFailure });
  }
}

async function check(spec: MachineSpec, state: MachineState, tick: TickStart, wanted: Record<string, WantedAspect>): Promise<CheckResult> {
  const target = targetOf(spec);
  const aspectReads = Object.keys(wanted).sort();
  let reading: ProbeReading;
  try {
    reading = await probe(spec, state, target, aspectReads);
  } catch (err) {
    return applyStep(spec, state, probeFailed(state, tick, failureOf(err, 'probe')));
  }
  const probed = probeAnswered(state, tick, reading, Date.now(), driverAspects(spec.driver), wanted);
  const checked = applyStep(spec, state, probed);
  const { command, corrections = [] } = probed;
  try {
    if (command !== undefined) {
      recordCommand(spec, command);
      await commandActivity(spec, command)(target, command);
    }
    for (const correction of corrections) {
      await correctionActivity(spec, correction)(target, correction.aspect, correction.value);
      Object.assign(state, aspectCorrected(state, correction, Date.now()));
    }
    return checked;
  } catch (err) {
    return applyStep(spec, state, commandFailed(state, checked, failureOf(err, 'command')));
  }
}

/**
 * Telemetry (lamp hours, error status, identity) changes slowly: it is read on its own interval,
 * after a check the device answered, so a healthy tick in between costs nothing more. A failed
 * read is kept for the status and tried again an interval later, never counted against health.
 */
async function readTelemetryWhenDue(spec: MachineSpec, state: MachineState): Promise<void> {
  const intervalMs = spec.telemetryIntervalMs;
  if (intervalMs === undefined || Date.now() < (state.nextTelemetryMs ?? 0)) return;
  state.nextTelemetryMs = Date.now() + intervalMs;
  try {
    state.telemetry = await telemetryActivity(spec)(targetOf(spec));
    state.telemetryFailure = undefined;
  } catch (err) {
    state.telemetryFailure = { ...failureOf(err, 'telemetry'), atMs: Date.now() };
  }
}

/** Writes a step's changes into the state at once, before anything else can run, and returns how the tick ends. */
function applyStep(spec: MachineSpec, state: MachineState, step: TickStep): CheckResult {
  Object.assign(state, step.changes);
  const { outcome, failure } = step.check;
  if (outcome === 'failed' && failure) {
    state.lastFailure = failure;
    log.info(`${spec.id}: ${failure.step} failed`, { failureType: failure.type, message: failure.message });
  }
  return step.check;
}

function targetOf(spec: MachineSpec): MachineTarget {
  return { id: spec.id, name: spec.name, address: spec.address, driver: spec.driver };
}
