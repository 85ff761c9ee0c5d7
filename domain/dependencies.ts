/**
 * The dependency map as one machine's workflow sees it: what it needs on before it switches on,
 * what needs it (kept on until they are off), and what each of them last reported. Pure and
 * workflow-safe; the workflow (workflows/machine/neighbours.ts) carries the reports between machines.
 */
import type { PduOutletSpec } from '../activities/drivers/pdu/spec';
import { formatDuration } from './duration';
import type { ObservedPower, Power } from './types';

/** The failure type of a check whose power step waited its timeout where the configuration says fail. */
export const DEPENDENCY_WAIT_TIMEOUT = 'DependencyWaitTimeout';

export const DEPENDENCY_TIMEOUT_ACTIONS = ['proceed', 'fail'] as const;
export type DependencyTimeoutAction = (typeof DEPENDENCY_TIMEOUT_ACTIONS)[number];

export interface MachineDependencies {
  /** Machine ids, sorted: switched on only once each is observed on and healthy. */
  needs: string[];
  /** Machine ids, sorted: this one is switched off only once each is observed off. */
  neededBy: string[];
  /** How long a power step waits for its neighbours before `onTimeout`. */
  waitMs: number;
  onTimeout: DependencyTimeoutAction;
  /**
   * How soon a machine that others need checks again after a power command, instead of at its next
   * tick, so the next level of a sequence starts as soon as this one is up.
   */
  recheckMs: number;
}

/** When a machine that stays failing gets its outlet switched off and on again. */
export interface PowerCyclePolicy {
  /** Failed checks in a row that start a cycle. */
  afterFailures: number;
  /** At most one cycle in this long. */
  atMostEveryMs: number;
  /** How long the outlet stays off. */
  offMs: number;
}

export interface PoweredBy {
  /** The PDU's machine id. */
  pdu: string;
  outlet: number;
  /** The PDU's driver with this outlet: what a power cycle switches. */
  driver: PduOutletSpec;
  /** Absent when the machine is never power-cycled. */
  cycle?: PowerCyclePolicy;
}

/**
 * A machine's health as its neighbours learn it: failing and blocked are what they decide on.
 * Failing from its first failed check on (workflows/machine/neighbours.ts), not only after `failingAfter`.
 */
export type NeighbourHealth = 'ok' | 'failing' | 'blocked' | 'unknown';

/** What a machine tells the machines it needs and those that need it, each time it changes. */
export interface NeighbourReport {
  id: string;
  power: ObservedPower | 'unknown';
  health: NeighbourHealth;
  /** While blocked: the failing machines at the root, which is what its own neighbours are blocked by. */
  blockedBy?: string[];
  /** Its own power step waits for its neighbours: a machine waiting on it is then not stuck, only further down the sequence. */
  waiting?: true;
  /**
   * Sent in the first report of a machine that has just started or learnt new neighbours: a
   * neighbour that reported before this one existed answers with its report, so nothing is missed.
   */
  replyWanted?: true;
}

/** What a machine's own report says, before it is sent: compared with the last one sent, so only changes go out. */
export type OwnReport = Omit<NeighbourReport, 'id' | 'replyWanted'>;

/** The failing machines at the root of whatever it needs that fails or is blocked, sorted; empty when none. */
export function blockersOf(dependencies: MachineDependencies | undefined, neighbours: Readonly<Record<string, NeighbourReport>> = {}): string[] {
  const roots = new Set<string>();
  for (const id of dependencies?.needs ?? []) {
    const report = neighbours[id];
    if (report?.health === 'failing') roots.add(id);
    else if (report?.health === 'blocked') for (const root of report.blockedBy ?? [id]) roots.add(root);
  }
  return [...roots].sort();
}

/**
 * Who a power step waits for: to switch on, every machine it needs, until each is observed on and
 * healthy; to switch off, every machine that needs it, until each is observed off, or fails or is
 * blocked (then nothing can switch it, and holding this one on would not help).
 */
export function awaitedFor(dependencies: MachineDependencies | undefined, neighbours: Readonly<Record<string, NeighbourReport>> = {}, power: Power): string[] {
  if (!dependencies) return [];
  if (power === 'on') return dependencies.needs.filter((id) => !(neighbours[id]?.power === 'on' && neighbours[id]?.health === 'ok'));
  return dependencies.neededBy.filter((id) => {
    const report = neighbours[id];
    return !(report && (report.power === 'off' || report.health === 'failing' || report.health === 'blocked'));
  });
}

/**
 * A power step held back by the machine's neighbours, since `sinceMs`: the last time one it waits
 * for showed progress (a new report) or was itself waiting, so the timeout is per step: a long
 * sequence never times out its last level, only a step that is stuck does.
 */
export interface PowerWait {
  power: Power;
  sinceMs: number;
  for: string[];
}

export type PowerGate =
  /** Send the command; `proceededWithout` when the wait timed out and the configuration says go on. */
  | { kind: 'go'; proceededWithout?: string[] }
  | { kind: 'blocked'; by: string[] }
  | { kind: 'waiting'; wait: PowerWait }
  | { kind: 'timed-out'; wait: PowerWait };

/** Whether a power command the tick wants may go now, given what the neighbours last reported. */
export function gatePower(
  dependencies: MachineDependencies | undefined,
  neighbours: Readonly<Record<string, NeighbourReport>> | undefined,
  previous: PowerWait | undefined,
  power: Power,
  now: number,
): PowerGate {
  if (!dependencies) return { kind: 'go' };
  const blockers = blockersOf(dependencies, neighbours);
  if (blockers.length > 0) return { kind: 'blocked', by: blockers };
  const awaited = awaitedFor(dependencies, neighbours, power);
  if (awaited.length === 0) return { kind: 'go' };
  const upstreamWaits = awaited.some((id) => neighbours?.[id]?.waiting);
  const wait = { power, sinceMs: previous?.power === power && !upstreamWaits ? previous.sinceMs : now, for: awaited };
  if (now - wait.sinceMs < dependencies.waitMs) return { kind: 'waiting', wait };
  return dependencies.onTimeout === 'proceed' ? { kind: 'go', proceededWithout: awaited } : { kind: 'timed-out', wait };
}

/** The message of a wait that timed out: `waited 2m for mixer-01 to be on`. */
export function waitMessage(wait: PowerWait, waitMs: number): string {
  const what = wait.power === 'on' ? 'to be on' : 'to be off';
  return `waited ${formatDuration(waitMs)} for ${wait.for.join(', ')} ${what}`;
}

/** When a wait that has not ended by then times out. */
export function waitEndsAt(dependencies: MachineDependencies | undefined, wait: PowerWait | undefined): number | undefined {
  return dependencies && wait ? wait.sinceMs + dependencies.waitMs : undefined;
}

/** Every machine it tells of its changes: those it needs and those that need it. */
export function neighbourIds(dependencies: MachineDependencies | undefined): string[] {
  return dependencies ? [...new Set([...dependencies.needs, ...dependencies.neededBy])].sort() : [];
}

export function sameReport(a: OwnReport | undefined, b: OwnReport): boolean {
  return a !== undefined && a.power === b.power && a.health === b.health && a.waiting === b.waiting && (a.blockedBy ?? []).join() === (b.blockedBy ?? []).join();
}

/** A new report from a neighbour the step waits for is progress: the step's timeout starts again. */
export function progressed(wait: PowerWait | undefined, report: NeighbourReport, now: number): PowerWait | undefined {
  return wait && wait.for.includes(report.id) ? { ...wait, sinceMs: now } : wait;
}

/**
 * Whether a neighbour's new report changes what this machine decides, so it should check now
 * rather than at its next tick: what blocks it changed, or its step waited for that neighbour and
 * no longer does. A neighbour that is only on its way (warming) is filed: at an opening every
 * waiting amplifier would otherwise probe once more for each report of its mixer.
 */
export function reportMatters(
  dependencies: MachineDependencies | undefined,
  neighbours: Readonly<Record<string, NeighbourReport>> | undefined,
  report: NeighbourReport,
  wait: PowerWait | undefined,
): boolean {
  if (!dependencies) return false;
  const updated = { ...neighbours, [report.id]: report };
  if (blockersOf(dependencies, neighbours).join() !== blockersOf(dependencies, updated).join()) return true;
  return wait !== undefined && wait.for.includes(report.id) && !awaitedFor(dependencies, updated, wait.power).includes(report.id);
}

