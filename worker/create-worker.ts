import path from 'node:path';
import { existsSync } from 'node:fs';
import { NativeConnection, Worker, type WorkerOptions, type WorkflowBundleOption } from '@temporalio/worker';
import type { Activities } from '../activities';
import type { ReadinessActivities } from '../alerting/readiness-activities';

export interface MachineWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  /** The readiness activities where the venue's readiness workflow may run: the product's worker and the readiness tests. */
  activities: Activities & Partial<ReadinessActivities>;
  /** A bundle made once (tests, benchmarks); otherwise the prebuilt one or the sources. */
  workflowBundle?: WorkflowBundleOption;
  /** Other workflow sources than the machine workflow's: the scale benchmark's minimal loop. */
  workflowsPath?: string;
  maxConcurrentActivities?: number;
  /** Sticky cache size; undefined keeps the SDK's, which it derives from the heap limit. */
  maxCachedWorkflows?: number;
  /** Benchmark experiments: SDK options applied over these, to measure one before it becomes a setting. */
  tuning?: TunableWorkerOptions;
}

export type TunableWorkerOptions = Partial<Omit<WorkerOptions, 'connection' | 'namespace' | 'taskQueue' | 'activities' | 'workflowsPath' | 'workflowBundle'>>;

/** Built by `npm run build` next to the compiled worker; absent when running from sources. */
const PREBUILT_BUNDLE = path.join(__dirname, '..', 'workflow-bundle.js');

const SDK_DEFAULT_WORKFLOW_TASK_SLOTS = 40;

/** Slots and cache of a worker that makes at most `maxDeviceCalls` device calls at once. */
function capacityOptions(maxDeviceCalls: number, maxCachedWorkflows: number | undefined) {
  return {
    // Every slot is bounded in time by the activity timeouts, so a hung device can hold one
    // only until its deadline; the bound caps sockets and memory under a storm of failures.
    // Probes are local activities and commands full ones: each kind gets the same bound.
    maxConcurrentActivityTaskExecutions: maxDeviceCalls,
    maxConcurrentLocalActivityExecutions: maxDeviceCalls,
    // A probe keeps its workflow task, and that task's slot, until the device answers or its
    // deadline passes. With the SDK's 40 slots, a few dozen slow or hung devices starved every
    // other machine's tick in the soak; one slot per possible probe plus the default keeps them apart.
    maxConcurrentWorkflowTaskExecutions: maxDeviceCalls + SDK_DEFAULT_WORKFLOW_TASK_SLOTS,
    maxCachedWorkflows,
  };
}

/**
 * The SDK sizes its cache from the heap limit (about 2,300 workflows under Node's default limit on
 * a large machine, under 200 in a small container): a bigger venue would replay machines from
 * their histories at every tick, at several times the CPU (BENCHMARKS.md). Every machine plus 10%.
 */
export function cacheSizeFor(machines: number): number {
  return Math.max(100, Math.ceil(machines * 1.1));
}

/**
 * After a worker dies without a goodbye (kill -9, a lost box), the server keeps handing each of
 * its workflows' tasks to the dead worker's sticky queue until this timeout, then to the shared
 * queue where another worker (or the same one, restarted) takes them: the SDK's 10 s adds that
 * much to every recovery. Too short, and a live worker that falls behind loses tasks to the
 * shared queue, each then a replay from history: measured at 1,000 machines beyond the box's
 * capacity, 3 s and 2 s timed tasks out (0.14 and 0.03 a tick), 5 s and 10 s none (BENCHMARKS.md).
 */
export const STICKY_QUEUE_TIMEOUT = '5s';

export async function createMachineWorker(options: MachineWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    ...workflowCode(options),
    activities: options.activities,
    ...capacityOptions(options.maxConcurrentActivities ?? 200, options.maxCachedWorkflows),
    stickyQueueScheduleToStartTimeout: STICKY_QUEUE_TIMEOUT,
    shutdownGraceTime: '10s',
    shutdownForceTime: '20s',
    ...options.tuning,
  });
}

function workflowCode(options: MachineWorkerOptions): { workflowBundle: WorkflowBundleOption } | { workflowsPath: string } {
  if (options.workflowBundle) return { workflowBundle: options.workflowBundle };
  if (options.workflowsPath) return { workflowsPath: options.workflowsPath };
  return existsSync(PREBUILT_BUNDLE) ? { workflowBundle: { codePath: PREBUILT_BUNDLE } } : { workflowsPath: require.resolve('../workflows') };
}
