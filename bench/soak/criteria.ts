/**
 * The soak's exit criteria, each judged from figures the analysis computed. A criterion that
 * cannot be judged (missing samples) fails: a soak that did not measure did not pass.
 */
import { maxOf, median, type Distribution } from '../lib/stats';
import type { WorkflowTaskRecord } from '../../harness/activity-history';
import type { WorkerSample } from './samples';

export interface Criterion {
  name: string;
  passed: boolean;
  detail: string;
}

export interface HungMachineResult {
  id: string;
  deadlineMs: number;
  checks: number;
  /** Closed activities by failure type; `(completed)` for one that succeeded. */
  failuresByType: Record<string, number>;
  /** Longest last attempt in the history (started to failed). */
  longestRecordedAttemptMs?: number;
  /** Longest connection the device saw; every attempt is one connection. */
  longestConnectionMs?: number;
  connections: number;
  connectionsNeverClosed: number;
}

export interface HealthyResult {
  machines: number;
  lateness: Distribution;
  missedSlotsDeviceSide: number;
  missedTicksByStatus: number;
  /** Machines whose status query did not answer at the start or the end of the window. */
  statusesUnread: number;
}

/** How far past its deadline a hung call may end: timers, scheduling and a loaded machine. */
export const HUNG_ATTEMPT_SLACK_MS = 1_000;
export const RSS_GROWTH_LIMIT = 0.1;
/** Change of the median between the first and the last quarter of the run that still counts as flat. */
export const FD_GROWTH_LIMIT = 3;
const SLOT_GROWTH_BASE = 2;
/**
 * Since probes are counted (local activity slots), how many slow and hung devices are mid-call
 * at a sample moves with the sampling phase: medians of 3 then 7 in a run with no leak (CI). One
 * slot per eight faulty machines on top of the base absorbs that; a leak of a slot every few
 * ticks still fails, and a bigger one fails the every-tick bound first.
 */
export function slotGrowthLimit(faultyMachines: number): number {
  return SLOT_GROWTH_BASE + Math.ceil(faultyMachines / 8);
}

type Reading = (sample: WorkerSample) => number | undefined;

/** Every sample at most `allowance` above the baseline. */
export function boundedCriterion(name: string, samples: WorkerSample[], read: Reading, baseline: number | undefined, allowance: number): Criterion {
  const values = samples.map(read);
  const missing = values.filter((value) => value === undefined).length;
  if (baseline === undefined || missing > 0) return { name, passed: false, detail: `missing samples (${missing} of ${values.length})` };
  const limit = baseline + allowance;
  const over = samples.filter((sample) => read(sample)! > limit).map((sample) => `tick ${sample.tick}: ${read(sample)}`);
  return {
    name,
    passed: over.length === 0,
    detail: `baseline ${baseline}, limit ${limit}, highest ${maxOf(values as number[])}${over.length ? `; over: ${over.slice(0, 5).join(', ')}` : ''}`,
  };
}

/** Median of the last quarter of the run against the median of the first quarter. */
export function flatCriterion(name: string, samples: WorkerSample[], read: Reading, limit: number): Criterion {
  const quarter = Math.max(1, Math.floor(samples.length / 4));
  const first = median(definedOnly(samples.slice(0, quarter).map(read)));
  const last = median(definedOnly(samples.slice(-quarter).map(read)));
  if (first === undefined || last === undefined) return { name, passed: false, detail: 'missing samples' };
  return { name, passed: last - first <= limit, detail: `median of first quarter ${first}, of last quarter ${last} (growth limit ${limit})` };
}

/**
 * Live memory at the middle and at the end of the window, each measured right after a full
 * collection: a collected heap has no teeth, so the comparison does not depend on where V8's
 * lazy major collections happen to fall.
 */
export function rssCriterion(samples: WorkerSample[]): Criterion {
  const name = `resident memory grows < ${RSS_GROWTH_LIMIT * 100}% over the second half`;
  const middle = samples[Math.floor((samples.length - 1) / 2)];
  const end = samples.at(-1);
  if (!middle?.collected || !end?.collected || middle.rssBytes === undefined || end.rssBytes === undefined) {
    return { name, passed: false, detail: 'no collected sample at the middle and at the end' };
  }
  const growth = end.rssBytes / middle.rssBytes - 1;
  return {
    name,
    passed: growth < RSS_GROWTH_LIMIT,
    detail: `after a full collection: ${mb(middle.rssBytes)} MB at the middle, ${mb(end.rssBytes)} MB at the end (${(growth * 100).toFixed(1)}%)`,
  };
}

export function hungCriterion(hung: HungMachineResult[]): Criterion {
  const name = `hung machines fail with DeviceTimeoutError, each attempt within deadline + ${HUNG_ATTEMPT_SLACK_MS} ms`;
  const problems = hung.flatMap(hungProblems);
  const longest = maxOf(definedOnly(hung.flatMap((machine) => [machine.longestRecordedAttemptMs, machine.longestConnectionMs])));
  const checks = hung.reduce((sum, machine) => sum + machine.checks, 0);
  return {
    name,
    passed: hung.length > 0 && problems.length === 0,
    detail: problems.length ? problems.slice(0, 8).join('; ') : `${hung.length} machines, ${checks} checks, longest attempt ${longest} ms`,
  };
}

function hungProblems(machine: HungMachineResult): string[] {
  const limit = machine.deadlineMs + HUNG_ATTEMPT_SLACK_MS;
  const problems: string[] = [];
  const otherOutcomes = Object.keys(machine.failuresByType).filter((type) => type !== 'DeviceTimeoutError');
  if (machine.checks === 0) problems.push(`${machine.id}: no check in the window`);
  if (otherOutcomes.length > 0) problems.push(`${machine.id}: ${otherOutcomes.join(', ')}`);
  if ((machine.longestRecordedAttemptMs ?? 0) > limit) problems.push(`${machine.id}: attempt of ${machine.longestRecordedAttemptMs} ms in history`);
  if ((machine.longestConnectionMs ?? 0) > limit) problems.push(`${machine.id}: connection held ${machine.longestConnectionMs} ms`);
  if (machine.connectionsNeverClosed > 0) problems.push(`${machine.id}: ${machine.connectionsNeverClosed} connections never closed`);
  return problems;
}

export function healthyCriterion(result: HealthyResult): Criterion {
  return {
    name: 'healthy machines never miss a tick',
    passed: result.missedTicksByStatus === 0 && result.statusesUnread === 0 && result.missedSlotsDeviceSide === 0,
    detail:
      `${result.machines} machines: ${result.missedTicksByStatus} missed ticks (workflow status` +
      `${result.statusesUnread ? `; ${result.statusesUnread} statuses unanswered` : ''}), ` +
      `${result.missedSlotsDeviceSide} slots without a check (devices); ` +
      `lateness p50 ${result.lateness.p50Ms} ms, p99 ${result.lateness.p99Ms} ms, max ${result.lateness.maxMs} ms`,
  };
}

/** sdk-core warns (TMPRL1104) about a workflow task that runs longer; queries and signals wait behind it. */
export const WORKFLOW_TASK_LIMIT_MS = 5_000;

export function workflowTaskCriterion(tasks: WorkflowTaskRecord[]): Criterion {
  const name = `no workflow task lasts longer than ${WORKFLOW_TASK_LIMIT_MS / 1000} s`;
  const long = tasks.filter((task) => task.durationMs > WORKFLOW_TASK_LIMIT_MS);
  const longest = maxOf(tasks.map((task) => task.durationMs));
  const examples = long.slice(0, 4).map((task) => `${task.workflowId} ${task.durationMs} ms (${task.outcome})`);
  return {
    name,
    passed: tasks.length > 0 && long.length === 0,
    detail: `${tasks.length} workflow tasks in the window, longest ${longest ?? '-'} ms` + (long.length ? `; ${long.length} longer: ${examples.join(', ')}` : ''),
  };
}

export function runningCriterion(running: number, machines: number): Criterion {
  return { name: 'every machine workflow still running', passed: running === machines, detail: `${running} of ${machines} running at the end` };
}

export function definedOnly<T>(values: (T | undefined)[]): T[] {
  return values.filter((value): value is T => value !== undefined);
}

export function mb(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(1);
}
