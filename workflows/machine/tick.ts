/** One tick: the device calls, metrics and status around the tick's decision (domain/tick-decision.ts). */
import { log } from '@temporalio/workflow';
import { commandFailed, openTick, probeAnswered, probeFailed, type ProbeReading, type TickStart, type TickStep } from '../../domain/tick-decision';
import type { CheckResult } from '../../domain/check';
import type { MachineSpec, MachineTarget } from '../../domain/types';
import { commandActivity, failureOf, probe } from './device-calls';
import { recordCheck, recordCommand, type HealthGauges } from './machine-metrics';
import { recordAudit, type MachineState } from './machine-state';
import { healthOf, publish } from './status';

export async function reconcile(spec: MachineSpec, state: MachineState, healthGauges: HealthGauges): Promise<void> {
  const opening = openTick(spec.schedule, state, Date.now());
  Object.assign(state, opening.changes);
  for (const entry of opening.audit) recordAudit(state, entry);
  const { tick } = opening;
  try {
    state.lastCheck = opening.skipped ?? (await check(spec, state, tick));
    recordCheck(spec, state.lastCheck.outcome);
  } finally {
    const health = healthOf(state, spec);
    publish(spec, state, tick.desired, health);
    healthGauges.set(spec, { failing: health === 'failing', inMaintenance: state.maintenance !== undefined });
  }
}

async function check(spec: MachineSpec, state: MachineState, tick: TickStart): Promise<CheckResult> {
  const target = targetOf(spec);
  let reading: ProbeReading;
  try {
    reading = await probe(spec, state, target);
  } catch (err) {
    return applyStep(spec, state, probeFailed(state, tick, failureOf(err, 'probe')));
  }
  const probed = probeAnswered(state, tick, reading, Date.now());
  const checked = applyStep(spec, state, probed);
  const { command } = probed;
  if (command === undefined) return checked;
  recordCommand(spec, command);
  try {
    await commandActivity(spec, command)(target, command);
    return checked;
  } catch (err) {
    return applyStep(spec, state, commandFailed(state, checked, failureOf(err, 'command')));
  }
}

/** Writes a step's changes into the state at once, before anything else can run, and returns how the tick ends. */
function applyStep(spec: MachineSpec, state: MachineState, step: TickStep): CheckResult {
  Object.assign(state, step.changes);
  const { outcome, failure } = step.check;
  if (outcome === 'failed' && failure) {
    log.info(`${spec.id}: ${failure.step} failed`, { failureType: failure.type, message: failure.message });
  }
  return step.check;
}

function targetOf(spec: MachineSpec): MachineTarget {
  return { id: spec.id, name: spec.name, address: spec.address, driver: spec.driver };
}
