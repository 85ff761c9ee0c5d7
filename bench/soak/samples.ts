/**
 * One sample of the worker per tick boundary: from outside (/proc: resident memory, descriptors,
 * CPU), from inside (the runtime probe: heap, active resources), from its SDK metrics (activity
 * slots in use), and from Temporal (running workflows, the longest history).
 */
import type { Client } from '@temporalio/client';
import { sampleProcess } from '../../harness/proc';
import { scrapeMetrics, sumOf, type MetricSample } from '../lib/prometheus';
import { requestRuntimeSample } from '../../harness/runtime-sample';
import type { WorkerProcess } from '../../harness/processes';

export interface WorkerSample {
  /** Tick boundary index: sample k is taken at the end of tick k-1. */
  tick: number;
  at: number;
  rssBytes?: number;
  openFds?: number;
  cpuSeconds?: number;
  /** Main thread: activities and their sockets. */
  heapUsedBytes?: number;
  /** Workflow threads: the workflow code and its cache of running workflows. */
  workflowHeapUsedBytes?: number;
  /** Whether every thread collected its garbage just before: live memory only. */
  collected: boolean;
  activeResources?: Record<string, number>;
  activeResourceCount?: number;
  /** temporal_worker_task_slots_used of the ActivityWorker (commands) plus the LocalActivityWorker (probes). */
  activitySlotsUsed?: number;
  /** temporal_worker_task_slots_used of the WorkflowWorker: a probe holds its workflow task's slot while it runs. */
  workflowTaskSlotsUsed?: number;
  runningWorkflows?: number;
  /** CPU time so far of the Temporal server and of the device simulator, to see where the machine's CPU went. */
  serverCpuSeconds?: number;
  simulatorCpuSeconds?: number;
  /** Longest history among the watched workflows (one per kind of machine), from the latest finished sweep (every few ticks). */
  largestHistoryLength?: number;
  /** What could not be read this time, e.g. `metrics: timeout`. */
  errors: string[];
}

const TASK_SLOTS_USED = 'temporal_worker_task_slots_used';
const PARALLEL_DESCRIBES = 4;
/** Histories grow by a few events a tick: reading them every few ticks is enough. */
const SWEEP_EVERY_TICKS = 5;

export interface WorkerSampler {
  /** collectGarbage: a full collection in every thread of the worker first (a pause of a few ms). */
  sample(tick: number, options?: { collectGarbage?: boolean }): Promise<WorkerSample>;
  /** Waits for a sweep still in flight. */
  stop(): Promise<void>;
}

export interface WorkerSamplerOptions {
  client: Client;
  taskQueue: string;
  worker: WorkerProcess;
  /**
   * Workflows whose history length is read with `describe` every few ticks. Describing hundreds of
   * workflows every tick would load the server more than the venue does; machines of one kind
   * grow alike, so one of each kind stands for all (the final history scan reads every one).
   */
  historyWatch: string[];
  serverPid: number;
  simulatorPid: number;
}

export function createWorkerSampler(options: WorkerSamplerOptions): WorkerSampler {
  const { client, worker } = options;
  const running = `TaskQueue = '${options.taskQueue}' AND ExecutionStatus = 'Running'`;
  let largestHistoryLength: number | undefined;
  // A sweep may take longer than a short tick on a busy machine: one at a time in the background,
  // each sample reporting the latest finished one.
  let sweep: Promise<void> | undefined;
  const startSweep = () => {
    sweep ??= largestHistory(client, options.historyWatch)
      .then((length) => void (largestHistoryLength = length))
      .catch(() => undefined)
      .finally(() => (sweep = undefined));
  };

  return {
    async sample(tick, { collectGarbage = false } = {}) {
      const at = Date.now();
      const errors: string[] = [];
      const attempt = <T>(what: string, read: () => Promise<T>): Promise<T | undefined> =>
        read().catch((error: Error) => {
          errors.push(`${what}: ${error.message}`);
          return undefined;
        });
      if (tick % SWEEP_EVERY_TICKS === 0) startSweep();
      // Collected first, so /proc then shows live memory rather than what the last cycle left behind.
      const collected = collectGarbage
        ? await attempt('collect', () => requestRuntimeSample(worker.child.process, { collectGarbage: true }))
        : undefined;
      const [proc, server, simulator, runtime, metrics, count] = await Promise.all([
        attempt('proc', () => sampleProcess(worker.child.pid)),
        attempt('server proc', () => sampleProcess(options.serverPid)),
        attempt('simulator proc', () => sampleProcess(options.simulatorPid)),
        collected ?? attempt('runtime', () => requestRuntimeSample(worker.child.process)),
        attempt('metrics', () => scrapeMetrics(worker.metricsUrl ?? '')),
        attempt('visibility', () => client.workflow.count(running)),
      ]);
      return {
        tick,
        at,
        rssBytes: proc?.rssBytes,
        openFds: proc?.openFds,
        cpuSeconds: proc?.cpuSeconds,
        heapUsedBytes: runtime?.heapUsedBytes,
        workflowHeapUsedBytes: runtime?.threadsAnswered ? runtime.threadHeapUsedBytes : undefined,
        collected: collected !== undefined,
        activeResources: runtime?.activeResources,
        activeResourceCount: runtime && Object.values(runtime.activeResources).reduce((sum, n) => sum + n, 0),
        activitySlotsUsed: metrics && activitySlotsUsed(metrics),
        workflowTaskSlotsUsed: metrics && sumOf(metrics, TASK_SLOTS_USED, { worker_type: 'WorkflowWorker' }),
        runningWorkflows: count?.count,
        serverCpuSeconds: server?.cpuSeconds,
        simulatorCpuSeconds: simulator?.cpuSeconds,
        largestHistoryLength,
        errors,
      };
    },
    async stop() {
      await sweep;
    },
  };
}

function activitySlotsUsed(metrics: MetricSample[]): number | undefined {
  const used = ['ActivityWorker', 'LocalActivityWorker'].map((type) => sumOf(metrics, TASK_SLOTS_USED, { worker_type: type }));
  return used.some((count) => count !== undefined) ? used.reduce<number>((total, count) => total + (count ?? 0), 0) : undefined;
}

async function largestHistory(client: Client, workflowIds: string[]): Promise<number> {
  let largest = 0;
  let next = 0;
  const lane = async () => {
    while (next < workflowIds.length) {
      const description = await client.workflow.getHandle(workflowIds[next++]!).describe();
      largest = Math.max(largest, description.historyLength);
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL_DESCRIBES, workflowIds.length) }, lane));
  return largest;
}
