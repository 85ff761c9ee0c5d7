/** One tick: expire, decide, probe, command, then publish what it found. */
import { log } from '@temporalio/workflow';
import { DEVICE_BUSY } from '../../domain/device-failures';
import { decide, desiredPower, isInEffect } from '../../domain/desired-state';
import type { MachineSpec, MachineTarget, ObservedPower, Power } from '../../domain/types';
import { commandActivity, failureOf, probe } from './device-calls';
import { recordCheck, recordCommand, type HealthGauges } from './machine-metrics';
import { healthOf, recordAudit, type CheckFailure, type CheckResult, type MachineState } from './machine-state';
import { publish } from './status';

export async function reconcile(spec: MachineSpec, state: MachineState, healthGauges: HealthGauges): Promise<void> {
  const now = Date.now();
  expireControls(state, now);
  const desired = desiredPower(spec.schedule, state.override, now).power;
  try {
    state.lastCheck = state.maintenance
      ? { atMs: now, desired, outcome: 'maintenance' }
      : await check(spec, state, desired, now);
    recordCheck(spec, state.lastCheck.outcome);
  } finally {
    const health = healthOf(state, spec);
    publish(spec, state, desired, health);
    healthGauges.set(spec, { failing: health === 'failing', inMaintenance: state.maintenance !== undefined });
  }
}

async function check(spec: MachineSpec, state: MachineState, desired: Power, now: number): Promise<CheckResult> {
  const target = targetOf(spec);
  let reading: { power: ObservedPower; detail: string };
  try {
    reading = await probe(spec, state, target);
  } catch (err) {
    return failed(spec, state, { atMs: now, desired }, failureOf(err, 'probe'));
  }
  state.lastObservation = { power: reading.power, detail: reading.detail, atMs: Date.now() };
  state.consecutiveFailures = 0;
  const checked = { atMs: now, desired, observed: reading.power };

  const decision = decide(desired, reading.power);
  if (decision !== 'command') return { ...checked, outcome: decision };
  try {
    state.commandsSent++;
    recordCommand(spec, desired);
    await commandActivity(spec, desired)(target, desired);
    return { ...checked, outcome: 'commanded' };
  } catch (err) {
    const failure = failureOf(err, 'command');
    if (failure.type === DEVICE_BUSY) return { ...checked, outcome: 'transitional', failure };
    return failed(spec, state, checked, failure);
  }
}

function expireControls(state: MachineState, now: number): void {
  const system = { by: 'schedule', reason: 'expired' };
  if (state.override && !isInEffect(state.override, now)) {
    state.override = undefined;
    recordAudit(state, { atMs: now, action: 'override expired', ...system });
  }
  if (state.maintenance && !isInEffect(state.maintenance, now)) {
    state.maintenance = undefined;
    recordAudit(state, { atMs: now, action: 'maintenance expired', ...system });
  }
}

function failed(
  spec: MachineSpec,
  state: MachineState,
  checked: Omit<CheckResult, 'outcome'>,
  failure: CheckFailure,
): CheckResult {
  state.consecutiveFailures++;
  log.info(`${spec.id}: ${failure.step} failed`, { failureType: failure.type, message: failure.message });
  return { ...checked, outcome: 'failed', failure };
}

function targetOf(spec: MachineSpec): MachineTarget {
  return { id: spec.id, name: spec.name, address: spec.address, driver: spec.driver };
}
