/**
 * Turns what the soak recorded into per-tick figures and verdicts. Three independent witnesses:
 * the worker's own process (samples), Temporal's histories (what an operator sees), and the
 * devices (when a check really arrived and how long each connection stayed open).
 */
import { deviceCallDeadlineMs } from '../../activities/drivers/specs';
import { tickOffsetMs } from '../../domain/tick';
import type { MachineSpec } from '../../domain/types';
import { machineWorkflowId } from '../../fleet/machines';
import type { ActivityRecord, HistoryScan, WorkflowTaskRecord } from '../../harness/activity-history';
import type { DeviceActivity } from '../../harness/device-events';
import { countBy, distributionOf, maxOf, median, type Distribution } from '../lib/stats';
import {
  boundedCriterion,
  definedOnly,
  FD_GROWTH_LIMIT,
  flatCriterion,
  healthyCriterion,
  hungCriterion,
  rssCriterion,
  runningCriterion,
  slotGrowthLimit,
  workflowTaskCriterion,
  type Criterion,
  type HealthyResult,
  type HungMachineResult,
} from './criteria';
import type { WorkerSample } from './samples';
import type { MachineRole } from './venue';

export interface SoakFacts {
  tickMs: number;
  /** Start of the measured window, on a tick boundary of the epoch clock. */
  windowStart: number;
  cycles: number;
  machines: { spec: MachineSpec; role: MachineRole }[];
  /** cycles + 1 samples, at every tick boundary of the window; the first, middle and last after a full collection. */
  samples: WorkerSample[];
  activities: ActivityRecord[];
  workflowTasks: WorkflowTaskRecord[];
  /** Every run's history length and timers (one a tick). */
  historyLengths: HistoryScan['historyLengths'];
  devices: DeviceActivity;
  /** status.missedTicks of every machine at the start and the end of the window. */
  missedTicksAtStart: Map<string, number>;
  missedTicksAtEnd: Map<string, number>;
  /** Machines whose workflow was running at the end of the window, asked of each. */
  runningAtEnd: number;
}

export interface TickRow {
  tick: number;
  /** Probe activities whose slot fell in this tick. */
  checks: number;
  /** Failed activities (probe and command, after retries) by failure type. */
  failuresByType: Record<string, number>;
  /** Device-side arrival of each healthy machine's check after its slot. */
  healthyLateness: Distribution;
  healthyMissed: number;
  /** The sample taken when this tick ended. */
  sample: WorkerSample;
}

/** CPU seconds over the window, and per check, of each process of the stack. */
export interface CpuUse {
  checks: number;
  workerSeconds?: number;
  serverSeconds?: number;
  simulatorSeconds?: number;
  workerMsPerCheck?: number;
  serverMsPerCheck?: number;
}

export interface SoakAnalysis {
  ticks: TickRow[];
  cpu: CpuUse;
  baseline: { openFds?: number; activitySlotsUsed?: number; rssBytes?: number };
  /** How far above the baseline a sample may be: what calls in flight at that instant explain. */
  allowance: { openFds: number; activitySlots: number };
  hung: HungMachineResult[];
  healthy: HealthyResult;
  /** Failed activities of every machine that had any, by failure type. */
  failuresByMachine: Record<string, Record<string, number>>;
  /** What a tick costs the server, by machine role, over every run of the soak: history events and workflow tasks per timer. */
  historyPerTick: Record<string, { events: number; workflowTasks: number; ticks: number }>;
  /** The longest workflow task whose start fell in the window (WorkflowTaskStarted to its end). */
  longestWorkflowTask?: WorkflowTaskRecord;
  criteria: Criterion[];
  passed: boolean;
}

/**
 * A call to a faulty device may hold its socket and slot for up to its deadline, so at a sample
 * each faulty machine may have one in flight; a call to a healthy one lasts milliseconds.
 */
const FD_JITTER = 6;
const SLOT_JITTER = 3;
/** Samples at the start of the window whose median is the baseline. */
const BASELINE_SAMPLES = 3;

interface WindowActivity {
  record: ActivityRecord;
  spec: MachineSpec;
  tick: number;
}

export function analyseSoak(facts: SoakFacts): SoakAnalysis {
  const inWindow = activitiesInWindow(facts);
  const healthySpecs = facts.machines.filter(({ role }) => role === 'healthy').map(({ spec }) => spec);
  const arrivals = healthyArrivals(healthySpecs, facts);
  const ticks = tickRows(facts, inWindow, arrivals);
  const hung = facts.machines
    .filter(({ role }) => role === 'hung')
    .map(({ spec }) => hungResult(spec, inWindow.filter((entry) => entry.spec.id === spec.id), facts));
  const healthy = healthyResult(healthySpecs, arrivals, facts);

  const windowEnd = facts.windowStart + facts.cycles * facts.tickMs;
  const tasksInWindow = facts.workflowTasks.filter((task) => task.startedAt >= facts.windowStart && task.startedAt < windowEnd);
  const faultyMachines = facts.machines.length - healthySpecs.length;
  const allowance = { openFds: faultyMachines + FD_JITTER, activitySlots: faultyMachines + SLOT_JITTER };
  const baselineOf = (read: (sample: WorkerSample) => number | undefined) => median(definedOnly(facts.samples.slice(0, BASELINE_SAMPLES).map(read)));
  const baseline = {
    openFds: baselineOf((sample) => sample.openFds),
    activitySlotsUsed: baselineOf((sample) => sample.activitySlotsUsed),
    rssBytes: baselineOf((sample) => sample.rssBytes),
  };
  const criteria = [
    boundedCriterion('open descriptors back to baseline every tick', facts.samples, (s) => s.openFds, baseline.openFds, allowance.openFds),
    flatCriterion('open descriptors do not grow', facts.samples, (s) => s.openFds, FD_GROWTH_LIMIT),
    boundedCriterion('activity slots back to baseline every tick', facts.samples, (s) => s.activitySlotsUsed, baseline.activitySlotsUsed, allowance.activitySlots),
    flatCriterion('activity slots do not grow', facts.samples, (s) => s.activitySlotsUsed, slotGrowthLimit(faultyMachines)),
    rssCriterion(facts.samples),
    hungCriterion(hung),
    healthyCriterion(healthy),
    runningCriterion(facts.runningAtEnd, facts.machines.length),
    workflowTaskCriterion(tasksInWindow),
  ];
  return {
    ticks,
    cpu: cpuUseOf(facts.samples, ticks.reduce((sum, row) => sum + row.checks, 0)),
    baseline,
    allowance,
    hung,
    healthy,
    failuresByMachine: failuresByMachine(inWindow),
    historyPerTick: historyPerTick(facts),
    longestWorkflowTask: tasksInWindow.reduce<WorkflowTaskRecord | undefined>((longest, task) => (longest && longest.durationMs >= task.durationMs ? longest : task), undefined),
    criteria,
    passed: criteria.every((criterion) => criterion.passed),
  };
}

/** Each activity belongs to the tick of the slot that started its check. */
function activitiesInWindow({ activities, machines, tickMs, windowStart, cycles }: SoakFacts): WindowActivity[] {
  const specs = new Map(machines.map(({ spec }) => [machineWorkflowId(spec.id), spec]));
  const inWindow: WindowActivity[] = [];
  for (const record of activities) {
    const spec = specs.get(record.workflowId);
    if (!spec) continue;
    const offset = tickOffsetMs(spec.id, tickMs);
    const slot = offset + Math.floor((record.scheduledAt - offset) / tickMs) * tickMs;
    const tick = Math.floor((slot - windowStart) / tickMs);
    if (tick >= 0 && tick < cycles) inWindow.push({ record, spec, tick });
  }
  return inWindow;
}

interface Arrival {
  machineId: string;
  tick: number;
  /** Undefined: no connection reached the device within the tick after the slot. */
  latenessMs?: number;
}

/** For each healthy machine and each slot of the window, the first connection the device saw in [slot, slot + tick). */
function healthyArrivals(healthy: MachineSpec[], { devices, windowStart, cycles, tickMs }: SoakFacts): Arrival[] {
  const arrivals: Arrival[] = [];
  for (const spec of healthy) {
    const opened = (devices.connections.get(spec.id) ?? []).map((connection) => connection.openedAt);
    const offset = tickOffsetMs(spec.id, tickMs);
    let index = 0;
    for (let tick = 0; tick < cycles; tick++) {
      const slot = windowStart + tick * tickMs + offset;
      while (index < opened.length && opened[index]! < slot) index++;
      const first = opened[index];
      arrivals.push({ machineId: spec.id, tick, latenessMs: first !== undefined && first < slot + tickMs ? first - slot : undefined });
    }
  }
  return arrivals;
}

function tickRows(facts: SoakFacts, inWindow: WindowActivity[], arrivals: Arrival[]): TickRow[] {
  return Array.from({ length: facts.cycles }, (_, tick) => {
    const activities = inWindow.filter((entry) => entry.tick === tick).map(({ record }) => record);
    const lateness = arrivals.filter((arrival) => arrival.tick === tick);
    return {
      tick,
      checks: checkedMachines(activities),
      failuresByType: countBy(activities.filter((record) => record.failureType), (record) => record.failureType!),
      healthyLateness: distributionOf(definedOnly(lateness.map(({ latenessMs }) => latenessMs))),
      healthyMissed: lateness.filter(({ latenessMs }) => latenessMs === undefined).length,
      sample: facts.samples[tick + 1] ?? { tick: tick + 1, at: facts.windowStart + (tick + 1) * facts.tickMs, collected: false, errors: ['no sample'] },
    };
  });
}

/**
 * Machines probed: a machine whose local probe failed probes again as an activity in the same
 * tick, and that is still one check.
 */
function checkedMachines(records: ActivityRecord[]): number {
  return new Set(records.filter((record) => record.activityType === 'probePower').map((record) => record.workflowId)).size;
}

function hungResult(spec: MachineSpec, entries: WindowActivity[], { devices, windowStart, cycles, tickMs }: SoakFacts): HungMachineResult {
  const records = entries.map(({ record }) => record);
  const closed = records.filter((record) => record.outcome !== 'open');
  const windowEnd = windowStart + cycles * tickMs;
  const connections = (devices.connections.get(spec.id) ?? []).filter(({ openedAt }) => openedAt >= windowStart && openedAt < windowEnd);
  const attemptMs = (record: ActivityRecord) =>
    record.lastAttemptStartedAt === undefined || record.closedAt === undefined ? undefined : record.closedAt - record.lastAttemptStartedAt;
  return {
    id: spec.id,
    deadlineMs: deviceCallDeadlineMs(spec.driver),
    checks: new Set(entries.filter(({ record }) => record.activityType === 'probePower').map(({ tick }) => tick)).size,
    failuresByType: countBy(closed, (record) => record.failureType ?? `(${record.outcome})`),
    longestRecordedAttemptMs: maxOf(definedOnly(closed.map(attemptMs))),
    longestConnectionMs: maxOf(definedOnly(connections.map(({ openedAt, closedAt }) => (closedAt === undefined ? undefined : closedAt - openedAt)))),
    connections: connections.length,
    connectionsNeverClosed: connections.filter(({ closedAt }) => closedAt === undefined).length,
  };
}

function historyPerTick({ machines, historyLengths, workflowTasks }: SoakFacts): SoakAnalysis['historyPerTick'] {
  const roleOf = new Map(machines.map(({ spec, role }) => [machineWorkflowId(spec.id), role]));
  const tasksByRun = countBy(workflowTasks, (task) => task.runId);
  const totals: Record<string, { events: number; workflowTasks: number; ticks: number }> = {};
  for (const run of historyLengths) {
    const role = roleOf.get(run.workflowId);
    if (!role) continue;
    const total = (totals[role] ??= { events: 0, workflowTasks: 0, ticks: 0 });
    total.events += run.events;
    total.workflowTasks += tasksByRun[run.runId] ?? 0;
    total.ticks += run.timers;
  }
  const round = (value: number) => Math.round(value * 10) / 10;
  return Object.fromEntries(
    Object.entries(totals).map(([role, total]) => [role, { events: round(total.events / total.ticks), workflowTasks: round(total.workflowTasks / total.ticks), ticks: total.ticks }]),
  );
}

function healthyResult(healthy: MachineSpec[], arrivals: Arrival[], { missedTicksAtStart, missedTicksAtEnd }: SoakFacts): HealthyResult {
  const statusRead = healthy.filter((spec) => missedTicksAtStart.has(spec.id) && missedTicksAtEnd.has(spec.id));
  return {
    machines: healthy.length,
    lateness: distributionOf(definedOnly(arrivals.map(({ latenessMs }) => latenessMs))),
    missedSlotsDeviceSide: arrivals.filter(({ latenessMs }) => latenessMs === undefined).length,
    missedTicksByStatus: statusRead.reduce((sum, spec) => sum + missedTicksAtEnd.get(spec.id)! - missedTicksAtStart.get(spec.id)!, 0),
    statusesUnread: healthy.length - statusRead.length,
  };
}

function failuresByMachine(inWindow: WindowActivity[]): Record<string, Record<string, number>> {
  const failures: Record<string, Record<string, number>> = {};
  for (const { record, spec } of inWindow) {
    if (!record.failureType) continue;
    const byType = (failures[spec.id] ??= {});
    byType[record.failureType] = (byType[record.failureType] ?? 0) + 1;
  }
  return failures;
}

function cpuUseOf(samples: WorkerSample[], checks: number): CpuUse {
  const spent = (read: (sample: WorkerSample) => number | undefined) => {
    const start = samples[0] && read(samples[0]);
    const end = samples.at(-1) && read(samples.at(-1)!);
    return start === undefined || end === undefined ? undefined : Math.round((end - start) * 100) / 100;
  };
  const perCheck = (seconds: number | undefined) => (seconds === undefined || checks === 0 ? undefined : Math.round((seconds * 10_000) / checks) / 10);
  const workerSeconds = spent((sample) => sample.cpuSeconds);
  const serverSeconds = spent((sample) => sample.serverCpuSeconds);
  return {
    checks,
    workerSeconds,
    serverSeconds,
    simulatorSeconds: spent((sample) => sample.simulatorCpuSeconds),
    workerMsPerCheck: perCheck(workerSeconds),
    serverMsPerCheck: perCheck(serverSeconds),
  };
}
