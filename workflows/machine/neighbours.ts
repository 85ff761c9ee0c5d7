/**
 * The messages between machine workflows that carry the dependency map's state: each machine tells
 * the machines it needs and those that need it when its observed power or health changes, by a
 * signal (durable: a worker restart loses none). A machine that starts, or learns new neighbours,
 * asks for their reports in its first one, which covers a neighbour that reported before it existed.
 */
import { getExternalWorkflowHandle, log } from '@temporalio/workflow';
import { blockersOf, neighbourIds, progressed, reportMatters, sameReport, type NeighbourHealth, type NeighbourReport, type OwnReport } from '../../domain/dependencies';
import type { MachineSpec } from '../../domain/types';
import { machineWorkflowId, neighbourReportedSignal, type Health } from './contract';
import type { MachineState } from './machine-state';

/**
 * After a tick: tells its neighbours what changed, if anything did. The machines that need it
 * hear all of it; the machines it needs decide only on its power and health (they switch off once
 * it is off, and do not wait for one that fails), so they hear only those: at an opening, a rack's
 * mixers do not tell it each time they begin or end a wait.
 */
export async function tellNeighbours(spec: MachineSpec, state: MachineState, health: Health): Promise<void> {
  const { dependencies } = spec;
  if (!dependencies) return;
  const own = ownReport(spec, state, health);
  const upstream = powerAndHealth(own);
  const toDependents = !sameReport(state.reported, own);
  // What the needs last heard is the last report's power and health: both go out whenever those change.
  const toNeeds = !sameReport(state.reported && powerAndHealth(state.reported), upstream);
  if (!toDependents && !toNeeds) return;
  const asks = state.askNeighbours && { replyWanted: true as const };
  state.reported = own;
  state.askNeighbours = undefined;
  state.repliesOwed = undefined;
  await Promise.all([
    toDependents ? send(spec, dependencies.neededBy, { id: spec.id, ...own, ...asks }) : undefined,
    toNeeds ? send(spec, dependencies.needs, { id: spec.id, ...upstream, ...asks }) : undefined,
  ]);
}

/** Answers the neighbours that asked for its report since it last sent one. */
export async function replyToNeighbours(spec: MachineSpec, state: MachineState): Promise<void> {
  const owed = state.repliesOwed;
  if (!owed || !state.reported) return;
  state.repliesOwed = undefined;
  await send(spec, owed, { id: spec.id, ...state.reported });
}

/**
 * Files a neighbour's report; returns whether it changes what this machine decides (check now) or
 * asks for an answer (send it between ticks). A report from a machine that is no longer a neighbour
 * is dropped. Once nothing blocks the machine any more, the checks it failed while blocked are
 * forgiven: a device whose PDU was dead for an hour starts afresh, not failing at its first check.
 */
export function receiveReport(spec: MachineSpec, state: MachineState, report: NeighbourReport): 'check-now' | 'reply' | 'filed' {
  if (!neighbourIds(spec.dependencies).includes(report.id)) return 'filed';
  const matters = reportMatters(spec.dependencies, state.neighbours, report, state.waiting);
  const wasBlocked = blockersOf(spec.dependencies, state.neighbours).length > 0;
  const { replyWanted, ...kept } = report;
  state.neighbours = { ...state.neighbours, [report.id]: kept };
  state.waiting = progressed(state.waiting, report, Date.now());
  if (wasBlocked && blockersOf(spec.dependencies, state.neighbours).length === 0) state.consecutiveFailures = 0;
  if (replyWanted && state.reported) state.repliesOwed = [...new Set([...(state.repliesOwed ?? []), report.id])];
  if (matters) return 'check-now';
  return state.repliesOwed ? 'reply' : 'filed';
}

/** After a configuration change: forgets machines that are no longer neighbours, and asks new ones. */
export function neighboursChanged(before: MachineSpec, after: MachineSpec, state: MachineState): void {
  const now = neighbourIds(after.dependencies);
  const known = new Set(neighbourIds(before.dependencies));
  if (state.neighbours) state.neighbours = Object.fromEntries(Object.entries(state.neighbours).filter(([id]) => now.includes(id)));
  if (now.some((id) => !known.has(id))) {
    state.reported = undefined;
    state.askNeighbours = true;
  }
}

function powerAndHealth(report: OwnReport): OwnReport {
  return { power: report.power, health: report.health };
}

/**
 * Failing as soon as its last check failed, before its own health says so (`failingAfter`): the
 * machines that hang on it fail at the same moment (a PDU takes their mains with it), and must
 * learn that it is the root before they have failed often enough to alert themselves.
 */
function ownReport(spec: MachineSpec, state: MachineState, health: Health): OwnReport {
  const neighbourHealth: NeighbourHealth = health === 'ok' && state.consecutiveFailures > 0 ? 'failing' : health;
  return {
    power: reportedPower(state),
    health: neighbourHealth,
    ...(health === 'blocked' && { blockedBy: blockersOf(spec.dependencies, state.neighbours) }),
    ...(state.waiting && { waiting: true }),
  };
}

/**
 * Switched but not yet seen so: warming after a command on, cooling after a command off. Reported
 * as what it last read, an amplifier just switched on would count as off to its mixer, which
 * could then switch off under it.
 */
function reportedPower(state: MachineState): NeighbourReport['power'] {
  const observed = state.lastObservation?.power ?? 'unknown';
  const check = state.lastCheck;
  if (check?.outcome !== 'commanded' || check.corrected !== undefined || check.desired === observed) return observed;
  return check.desired === 'on' ? 'warming' : 'cooling';
}

/**
 * One signal per neighbour, all at once. A neighbour whose workflow is not running (not started
 * yet, or retired) cannot be told: it asks for the reports when it starts.
 */
async function send(spec: MachineSpec, ids: readonly string[], report: NeighbourReport): Promise<void> {
  await Promise.all(
    ids.map(async (id) => {
      try {
        await getExternalWorkflowHandle(machineWorkflowId(id)).signal(neighbourReportedSignal, report);
      } catch (err) {
        log.info(`${spec.id}: could not tell ${id}`, { error: err instanceof Error ? err.message : String(err) });
      }
    }),
  );
}
