/** The machine's signal and query handlers: each records who asked, and wakes the loop when the machine should be checked now. */
import { setHandler, upsertMemo } from '@temporalio/workflow';
import { desiredPower } from '../../domain/desired-state';
import { isScheduledOn } from '../../domain/schedule';
import type { MachineSpec } from '../../domain/types';
import {
  clearOverrideSignal,
  configurationChangedSignal,
  endMaintenanceSignal,
  memoOf,
  neighbourReportedSignal,
  plannedPowerQuery,
  reconcileNowSignal,
  retireSignal,
  setOverrideSignal,
  startMaintenanceSignal,
  statusQuery,
  type Actor,
  type MachineRetired,
  type OverrideRequest,
} from './contract';
import type { InterruptiblePause } from './interruptible-pause';
import type { HealthGauges } from './machine-metrics';
import { recordAudit, type MachineState } from './machine-state';
import { neighboursChanged, receiveReport } from './neighbours';
import { statusOf } from './status';

/** What one run's loop and its handlers share: a message may change any of it between ticks. */
export interface MachineRun {
  spec: MachineSpec;
  configHash: string;
  readonly state: MachineState;
  nextTickMs: number;
  retirement?: MachineRetired;
}

export function setMessageHandlers(run: MachineRun, pause: InterruptiblePause, healthGauges: HealthGauges): void {
  const { state } = run;
  /** A message changed what the machine should be: check it now rather than at the next tick. */
  const wakeUp = () => {
    state.reconcileRequested = true;
    pause.interrupt();
  };
  const audit = (action: string, actor: Actor) =>
    recordAudit(state, { atMs: Date.now(), action, by: actor.by, reason: actor.reason, requestId: actor.requestId });

  setHandler(setOverrideSignal, (request) => {
    const { scene, aspects } = request;
    // Infrastructure that is only watched takes no power command: an override, even the venue-wide
    // one that switches everything off, cannot switch it.
    const ignoresPower = run.spec.probeOnly === true && request.power !== undefined;
    const power = ignoresPower ? undefined : request.power;
    state.override = {
      ...(power !== undefined && { power }),
      ...(scene !== undefined && { scene }),
      ...(aspects !== undefined && { aspects }),
      untilMs: request.untilMs,
      reason: request.reason,
      by: request.by,
      atMs: Date.now(),
    };
    wakeUp();
    audit(`override ${describeOverride(request)}${until(request.untilMs)}${ignoresPower ? ' (power ignored: only watched)' : ''}`, request);
  });
  setHandler(clearOverrideSignal, (actor) => {
    state.override = undefined;
    wakeUp();
    audit('override cleared', actor);
  });
  setHandler(startMaintenanceSignal, (request) => {
    state.maintenance = { untilMs: request.untilMs, reason: request.reason, by: request.by, atMs: Date.now() };
    wakeUp();
    audit(`maintenance${until(request.untilMs)}`, request);
  });
  setHandler(endMaintenanceSignal, (actor) => {
    state.maintenance = undefined;
    wakeUp();
    audit('maintenance ended', actor);
  });
  setHandler(neighbourReportedSignal, (report) => {
    const received = receiveReport(run.spec, state, report);
    if (received === 'check-now') wakeUp();
    else if (received === 'reply') pause.interrupt();
  });
  setHandler(reconcileNowSignal, (actor) => {
    wakeUp();
    audit('reconcile now', actor);
  });
  setHandler(configurationChangedSignal, (update) => {
    if (update.configHash === run.configHash) return;
    if (update.spec.group !== run.spec.group) healthGauges.clear(run.spec);
    neighboursChanged(run.spec, update.spec, state);
    run.spec = update.spec;
    run.configHash = update.configHash;
    upsertMemo(memoOf(run.spec, run.configHash));
    wakeUp();
    audit('configuration changed', { by: 'inventory sync', reason: `config ${run.configHash.slice(0, 12)}` });
  });
  setHandler(retireSignal, (actor) => {
    run.retirement = { id: run.spec.id, retiredAtMs: Date.now(), by: actor.by, reason: actor.reason };
    pause.interrupt();
  });
  setHandler(statusQuery, () => statusOf(run.spec, state, run.nextTickMs));
  setHandler(plannedPowerQuery, (atMs) => ({
    scheduled: isScheduledOn(run.spec.schedule, atMs) ? 'on' : 'off',
    desired: desiredPower(run.spec.schedule, state.override, atMs),
  }));
}

/** `on`, `scene evening`, `input=HDMI2 volume=60`, or several of them. */
function describeOverride(request: OverrideRequest): string {
  const parts = [
    ...(request.power === undefined ? [] : [request.power]),
    ...(request.scene === undefined ? [] : [`scene ${request.scene}`]),
    ...Object.entries(request.aspects ?? {}).map(([name, value]) => `${name}=${String(value)}`),
  ];
  return parts.join(' ');
}

function until(untilMs: number | undefined): string {
  return untilMs === undefined ? '' : ` until ${new Date(untilMs).toISOString()}`;
}
