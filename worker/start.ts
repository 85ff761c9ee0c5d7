/**
 * Starting a worker, the one way `npm run worker`, `npm start` and the benchmark workers do it.
 * Two steps, so that `npm start` fails on what needs no server (a missing secret, a taken metrics
 * port) before it starts one: `prepareWorker`, then `start` once Temporal's address is known.
 */
import { Client } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { createActivities } from '../activities';
import { createReadinessActivities } from '../alerting/readiness-activities';
import { loadEnvironment } from '../config/environment';
import { loadVenueConfig } from '../config/load';
import { createSecretResolver, secretRefsOf } from '../config/secrets';
import { temporalTarget, temporalUnreachable, type TemporalTarget } from '../config/temporal';
import { runProcess, type Startup } from '../lifecycle/startup';
import { createMachineWorker, type TunableWorkerOptions } from './create-worker';
import { installWorkerRuntime, runUntilDrained } from './runtime';
import { workerSettings, type WorkerSettings } from './settings';

/** How a benchmark's worker differs from the product's, on purpose (BENCHMARKS.md); the product passes none. */
export interface WorkerExperiment {
  /** Workflow code other than the machine workflow: the benchmark's minimal Temporal loop. */
  workflowsPath?: string;
  /** SDK options over ours, to measure one before worker/ grows a setting for it. */
  tuning?: TunableWorkerOptions;
}

export interface PreparedWorker {
  metricsUrl: string | undefined;
  /**
   * Connects, creates the worker and runs it; `startup` drains it, then closes its connection.
   * `drained` settles once the worker has drained after SIGINT/SIGTERM, or rejects with why it failed.
   */
  start(startup: Startup, target: TemporalTarget): Promise<{ drained: Promise<void> }>;
}

/** Checks the venue's secrets and installs the SDK runtime (the metrics endpoint): once per process. */
export function prepareWorker(settings: WorkerSettings, experiment: WorkerExperiment = {}): PreparedWorker {
  const secrets = createSecretResolver({ secretsFile: settings.secretsFile });
  for (const name of secretRefsOf(settings.machines)) secrets({ secret: name });
  const metricsUrl = installWorkerRuntime({ metricsPort: settings.metricsPort, logLevel: settings.logLevel });
  return {
    metricsUrl,
    async start(startup, target) {
      const connection = await NativeConnection.connect(target.connectionOptions).catch((error: unknown) => {
        throw temporalUnreachable(error, target.connectionOptions.address);
      });
      startup.started('the worker connection', () => connection.close());
      const worker = await createMachineWorker({
        connection,
        namespace: target.namespace,
        taskQueue: settings.taskQueue,
        activities: {
          ...createActivities({ secrets }),
          // The readiness reports read machines through their workflows, on this worker's own connection.
          ...createReadinessActivities({ client: new Client({ connection, namespace: target.namespace }), taskQueue: settings.taskQueue, alertmanagerUrl: settings.alertmanagerUrl }),
        },
        maxConcurrentActivities: settings.maxConcurrentActivities,
        maxCachedWorkflows: settings.maxCachedWorkflows,
        ...experiment,
      });
      const drained = runUntilDrained(worker);
      // Whoever awaits `drained` reports a failed run; the stop only waits for the drain.
      const stopped = drained.catch(() => undefined);
      // Before its connection closes: a worker still holding it makes the close throw.
      startup.started('the worker', async () => {
        if (worker.getState() === 'RUNNING') worker.shutdown();
        await stopped;
      });
      return { drained };
    },
  };
}

/** A process that is a worker and nothing else: `npm run worker` and the benchmark workers. */
export function runWorkerProcess(experiment: WorkerExperiment = {}): void {
  runProcess(async (startup) => {
    const env = loadEnvironment();
    const worker = prepareWorker(workerSettings(env, loadVenueConfig(env.VENUE_CONFIG)), experiment);
    if (worker.metricsUrl) console.log(`worker metrics: ${worker.metricsUrl}`);
    const target = temporalTarget();
    const { drained } = await worker.start(startup, target);
    const tuning = experiment.tuning ? ` with ${JSON.stringify(experiment.tuning)}` : '';
    console.log(`worker polling task queue ${env.TEMPORAL_TASK_QUEUE} on ${target.namespace}${tuning}`);
    await drained;
  });
}
