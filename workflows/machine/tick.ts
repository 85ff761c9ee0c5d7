/** One tick: the device calls, metrics and status around the tick's decision (domain/tick-decision.ts). */
import { log } from '@temporalio/workflow';
import { driverAspects } from '../../activities/drivers/specs';
import type { WantedAspect } from '../../domain/aspects';
import type { CheckResult } from '../../domain/check';
import {
  aspectCorrected,
  commandFailed,
  commandHeld,
  commandWaitFailed,
  openTick,
  probeAnswered,
  probeFailed,
  type ProbeReading,
  type TickStart,
  type TickStep,
} from '../../domain/tick-decision';
import { DEPENDENCY_WAIT_TIMEOUT, gatePower, waitMessage, type MachineDependencies, type PoweredBy } from '../../domain/dependencies';
import type { MachineSpec, MachineTarget, Power } from '../../domain/types';
import { commandActivity, correctionActivity, failureOf, powerCycleActivity, probe, telemetryActivity } from './device-calls';
import { recordCheck, recordCommand, type HealthGauges } from './machine-metrics';
import { recordAudit, type MachineState } from './machine-state';
import { tellNeighbours } from './neighbours';
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
  state.recheckAtMs = undefined;
  try {
    state.lastCheck = opening.skipped ?? (await check(spec, state, tick, features.aspectsAndTelemetry ? opening.wanted : {}));
    recordCheck(spec, state.lastCheck.outcome);
    if (state.lastCheck.observed !== undefined && features.aspectsAndTelemetry) await readTelemetryWhenDue(spec, state);
    if (spec.dependencies) recheckSoonWhileSwitching(spec.dependencies, state);
    await powerCycleWhenDue(spec, state);
  } finally {
    const health = healthOf(state, spec);
    publish(spec, state, tick.desired, health, opening.wanted);
    healthGauges.set(spec, { failing: health === 'failing', inMaintenance: state.maintenance !== undefined, blocked: health === 'blocked', failure: state.lastFailure });
    await tellNeighbours(spec, state, health);
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
  const { command, corrections = [] } = probed;
  const gate = command === undefined ? undefined : passNeighbours(spec, state, probed, command);
  if (command === undefined) state.waiting = undefined;
  if (gate?.held) return applyStep(spec, state, gate.held);
  const checked = applyStep(spec, state, probed);
  try {
    if (command !== undefined) {
      recordCommand(spec, command);
      await commandActivity(spec, command, gate?.note)(target, command);
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
 * The power command waits for the machine's neighbours (domain/dependencies.ts): `held` is the
 * step that holds it back. A command that goes because its wait timed out says so in the audit,
 * the log and its activity's summary (`note`), which the history keeps.
 */
function passNeighbours(spec: MachineSpec, state: MachineState, probed: TickStep, command: Power): { held?: TickStep; note?: string } {
  const { dependencies } = spec;
  const gate = gatePower(dependencies, state.neighbours, state.waiting, command, Date.now());
  switch (gate.kind) {
    case 'go': {
      const { waiting } = state;
      state.waiting = undefined;
      if (!gate.proceededWithout || !waiting || !dependencies) return {};
      const reason = waitMessage({ ...waiting, for: gate.proceededWithout }, dependencies.waitMs);
      log.warn(`${spec.id}: switching ${command} without its neighbours`, { reason });
      recordAudit(state, { atMs: Date.now(), action: `power ${command} without ${gate.proceededWithout.join(', ')}`, by: 'controller', reason });
      return { note: reason };
    }
    case 'blocked':
      state.waiting = undefined;
      return { held: commandHeld(state, probed, 'blocked') };
    case 'waiting':
      state.waiting = gate.wait;
      return { held: commandHeld(state, probed, 'waiting') };
    case 'timed-out':
      state.waiting = gate.wait;
      return { held: commandWaitFailed(state, probed, { step: 'command', type: DEPENDENCY_WAIT_TIMEOUT, message: waitMessage(gate.wait, dependencies?.waitMs ?? 0) }) };
  }
}

/**
 * A machine in a sequence checks again soon after a power command, and while it warms or cools,
 * so that the machines waiting on it learn it is up (or down) within seconds, not a tick later.
 * Also after a first failed check: at the opening of a large venue a probe can fail only because
 * the worker is busy (the benchmark saw a mixer miss its rack's report that way and wait a whole
 * tick); a device that keeps failing is checked at its ticks as before.
 */
function recheckSoonWhileSwitching(dependencies: MachineDependencies, state: MachineState): void {
  const outcome = state.lastCheck?.outcome;
  const switched = outcome === 'commanded' && state.lastCheck?.corrected === undefined;
  const firstFailure = outcome === 'failed' && state.consecutiveFailures === 1;
  if (switched || outcome === 'transitional' || firstFailure) state.recheckAtMs = Date.now() + dependencies.recheckMs;
}

/**
 * A machine on a PDU outlet that stays failing gets the outlet switched off and on again, at most
 * once per period, then is checked again once it has had time to boot. Audited as the controller's
 * doing. Only through a PDU that last reported healthy: a machine whose own checks fail faster than
 * its dead PDU's (refused at once, against SNMP timeouts) may count as failing before the PDU's
 * report blocks it, and cycling through a PDU that does not answer would only fail.
 */
async function powerCycleWhenDue(spec: MachineSpec, state: MachineState): Promise<void> {
  const poweredBy = spec.poweredBy;
  const cycle = poweredBy?.cycle;
  if (!poweredBy || !cycle || state.maintenance !== undefined) return;
  if (state.neighbours?.[poweredBy.pdu]?.health !== 'ok') return;
  if (healthOf(state, spec) !== 'failing' || state.consecutiveFailures < cycle.afterFailures) return;
  if (state.lastPowerCycleMs !== undefined && Date.now() - state.lastPowerCycleMs < cycle.atMostEveryMs) return;
  state.lastPowerCycleMs = Date.now();
  const action = `power cycle ${poweredBy.pdu} outlet ${poweredBy.outlet}`;
  const reason = `${state.consecutiveFailures} failed checks in a row`;
  try {
    const { detail } = await powerCycleActivity(spec, poweredBy, cycle.offMs)(outletTarget(spec, poweredBy), cycle.offMs);
    recordAudit(state, { atMs: Date.now(), action, by: 'controller', reason: `${reason}; ${detail}` });
  } catch (err) {
    const failure = failureOf(err, 'command');
    log.warn(`${spec.id}: ${action} failed`, { failureType: failure.type, message: failure.message });
    recordAudit(state, { atMs: Date.now(), action: `${action} failed`, by: 'controller', reason: `${reason}; ${failure.message}` });
  }
  if (spec.dependencies) state.recheckAtMs = Date.now() + spec.dependencies.recheckMs;
}

function outletTarget(spec: MachineSpec, poweredBy: PoweredBy): MachineTarget {
  return { id: spec.id, name: spec.name, address: poweredBy.driver.host, driver: poweredBy.driver };
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
