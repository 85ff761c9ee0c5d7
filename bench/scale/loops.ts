/**
 * The three loops the benchmark compares, each started on its own and torn down whole, so one
 * cannot tax the next: ours (worker/main.ts, machines started by inventory sync), the minimal
 * Temporal loop, and the plain Node loop. Temporal loops get a fresh dev server each.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { MachineSpec, MachineTarget } from '../../domain/types';
import { machineWorkflowId } from '../../fleet/machines';
import { syncInventory } from '../../fleet/sync';
import { startTsChild } from '../../harness/child';
import { startTemporalServerProcess, startWorkerProcess, type TemporalServerProcess, type WorkerProcess as WorkerChild } from '../../harness/processes';
import type { MinimalLoopInput } from './minimal-workflow';
import type { PlainLoopMachines } from './plain-loop-main';

/** `minimal-local`: the minimal loop probing through a local activity, a tuning experiment. */
export type LoopName = 'ours' | 'minimal' | 'plain' | 'minimal-local';

export interface LoopSettings {
  machines: MachineSpec[];
  /** The venue file the machines came from: our worker reads it. */
  venueFile: string;
  tickMs: number;
  /** Worker processes on the task queue (Temporal loops). */
  workers: number;
  maxActivities: number;
  /** Where the dev server keeps its SQLite file; undefined keeps it in memory. */
  dbFile?: string;
  /** Continue-as-new period in ticks for both Temporal loops. */
  ticksPerRun: number;
  /** SDK worker options for our worker (tuned-worker-main.ts instead of worker/main.ts): an experiment. */
  workerOptions?: Record<string, unknown>;
  /** Added to our worker's environment, e.g. NODE_OPTIONS for an experiment. */
  workerEnv?: Record<string, string>;
  workDir: string;
}

export interface WorkerProcess {
  pid: number;
  metricsUrl?: string;
}

export interface RunningLoop {
  workers: WorkerProcess[];
  serverPid?: number;
  /** For describing workflows (Temporal loops). */
  client?: Client;
  workflowIds: string[];
  /** When the first start call (the inventory sync, for ours) began. */
  machinesStartedAtMs: number;
  /** From the first start call until every machine's loop runs. */
  startupSeconds: number;
  stop(): Promise<void>;
}

const REPO = path.resolve(__dirname, '..', '..');
const OUR_WORKER = path.join(REPO, 'worker', 'main.ts');
const TUNED_WORKER = path.join(__dirname, 'tuned-worker-main.ts');
const MINIMAL_WORKER = path.join(__dirname, 'minimal-worker-main.ts');
const PLAIN_LOOP = path.join(__dirname, 'plain-loop-main.ts');
const PARALLEL_STARTS = 32;
/** The SDK bundles workflow code at worker start: seconds, more on a loaded machine. */
const WORKER_READY_TIMEOUT_MS = 180_000;
const PLAIN_READY_TIMEOUT_MS = 60_000;
/** Above the workers' own shutdownForceTime (20 s), so they drain before we kill them. */
const WORKER_STOP_GRACE_MS = 25_000;

export function startLoop(loop: LoopName, settings: LoopSettings): Promise<RunningLoop> {
  switch (loop) {
    case 'ours':
      return settings.workerOptions
        ? startTemporalLoop(settings, TUNED_WORKER, { ...settings.workerEnv, BENCH_WORKER_OPTIONS: JSON.stringify(settings.workerOptions) }, startOurMachines)
        : startTemporalLoop(settings, OUR_WORKER, settings.workerEnv ?? {}, startOurMachines);
    case 'minimal':
      return startTemporalLoop(settings, MINIMAL_WORKER, {}, minimalMachines('minimalLoopWorkflow'));
    case 'minimal-local':
      return startTemporalLoop(settings, MINIMAL_WORKER, {}, minimalMachines('minimalLocalLoopWorkflow'));
    case 'plain':
      return startPlainLoop(settings);
  }
}

type StartMachines = (client: Client, taskQueue: string, settings: LoopSettings) => Promise<string[]>;

async function startTemporalLoop(settings: LoopSettings, workerEntry: string, workerEnv: Record<string, string>, startMachines: StartMachines): Promise<RunningLoop> {
  const taskQueue = 'scale-bench';
  let server: TemporalServerProcess | undefined;
  let connection: Connection | undefined;
  const workers: WorkerChild[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all(workers.map((worker) => worker.stop(WORKER_STOP_GRACE_MS)));
    await connection?.close();
    await server?.stop();
  };
  try {
    server = await startTemporalServerProcess({ dbFile: settings.dbFile });
    for (let index = 0; index < settings.workers; index++) {
      workers.push(
        await startWorkerProcess({
          name: `worker ${index + 1}`,
          script: workerEntry,
          venueFile: settings.venueFile,
          temporalAddress: server.address,
          namespace: server.namespace,
          taskQueue,
          metricsPort: 'free',
          env: { ...workerEnv, WORKER_MAX_ACTIVITIES: String(settings.maxActivities), LOG_LEVEL: 'WARN' },
          readyTimeoutMs: WORKER_READY_TIMEOUT_MS,
        }),
      );
    }
    connection = await Connection.connect({ address: server.address });
    const client = new Client({ connection, namespace: server.namespace });
    const startedAt = Date.now();
    const workflowIds = await startMachines(client, taskQueue, settings);
    return {
      workers: workers.map((worker) => ({ pid: worker.child.pid, metricsUrl: worker.metricsUrl })),
      serverPid: server.pid,
      client,
      workflowIds,
      machinesStartedAtMs: startedAt,
      startupSeconds: (Date.now() - startedAt) / 1000,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The product's own path: inventory sync from the venue's machines. */
const startOurMachines: StartMachines = async (client, taskQueue, settings) => {
  const report = await syncInventory(client, { taskQueue, machines: settings.machines, ticksPerRun: settings.ticksPerRun, by: 'scale benchmark' });
  return report.started.map(machineWorkflowId);
};

function minimalMachines(workflowType: 'minimalLoopWorkflow' | 'minimalLocalLoopWorkflow'): StartMachines {
  return async (client, taskQueue, settings) => {
    const workflowIds = settings.machines.map((spec) => `minimal-${spec.id}`);
    await forEachLimited(settings.machines, async (spec) => {
      const input: MinimalLoopInput = { target: targetOf(spec), tickMs: settings.tickMs, ticksPerRun: settings.ticksPerRun };
      await client.workflow.start(workflowType, { workflowId: `minimal-${spec.id}`, taskQueue, args: [input] });
    });
    return workflowIds;
  };
}

async function startPlainLoop(settings: LoopSettings): Promise<RunningLoop> {
  const machinesFile = path.join(settings.workDir, `plain-loop-${settings.machines.length}.json`);
  const machines: PlainLoopMachines = { tickMs: settings.tickMs, targets: settings.machines.map(targetOf) };
  await writeFile(machinesFile, JSON.stringify(machines));
  const startedAt = Date.now();
  const child = startTsChild({ name: 'plain loop', script: PLAIN_LOOP, env: { ...process.env, PLAIN_LOOP_MACHINES: machinesFile } });
  try {
    await child.waitForLine(/^plain loop running/, PLAIN_READY_TIMEOUT_MS);
  } catch (error) {
    await child.stop();
    throw error;
  }
  return {
    workers: [{ pid: child.pid }],
    workflowIds: [],
    machinesStartedAtMs: startedAt,
    startupSeconds: (Date.now() - startedAt) / 1000,
    stop: async () => void (await child.stop()),
  };
}

function targetOf(spec: MachineSpec): MachineTarget {
  return { id: spec.id, name: spec.name, address: spec.address, driver: spec.driver };
}

async function forEachLimited<T>(items: T[], run: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) await run(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL_STARTS, items.length) }, lane));
}
