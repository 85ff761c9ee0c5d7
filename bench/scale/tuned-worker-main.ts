/**
 * Child process entry for tuning experiments: our worker exactly as worker/main.ts builds it
 * (worker/create-worker.ts settings, the product's workflows and activities), plus the SDK
 * worker options in BENCH_WORKER_OPTIONS (JSON), e.g. {"maxCachedWorkflows":1000}. Lets the
 * benchmark measure an option before worker/ grows a setting for it.
 */
import { NativeConnection } from '@temporalio/worker';
import { createActivities } from '../../activities';
import { loadEnvironment } from '../../config/environment';
import { loadVenueConfig } from '../../config/load';
import { createSecretResolver } from '../../config/secrets';
import { temporalTarget } from '../../config/temporal';
import { cacheSizeFor, createMachineWorker, type TunableWorkerOptions } from '../../worker/create-worker';
import { installWorkerRuntime } from '../../worker/runtime';

async function main(): Promise<void> {
  const env = loadEnvironment();
  const venue = loadVenueConfig(env.VENUE_CONFIG);
  const tuning = JSON.parse(process.env.BENCH_WORKER_OPTIONS ?? '{}') as TunableWorkerOptions;
  installWorkerRuntime({ metricsPort: env.METRICS_PORT, logLevel: env.LOG_LEVEL });
  const target = temporalTarget();
  const connection = await NativeConnection.connect(target.connectionOptions);
  try {
    const worker = await createMachineWorker({
      connection,
      namespace: target.namespace,
      taskQueue: env.TEMPORAL_TASK_QUEUE,
      activities: createActivities({ secrets: createSecretResolver({ secretsFile: env.SHOWCTL_SECRETS_FILE }) }),
      maxConcurrentActivities: env.WORKER_MAX_ACTIVITIES,
      maxCachedWorkflows: env.WORKER_MAX_CACHED_WORKFLOWS ?? cacheSizeFor(venue.machines.length),
      tuning,
    });
    console.log(`worker polling task queue ${env.TEMPORAL_TASK_QUEUE} on ${target.namespace} with ${JSON.stringify(tuning)}`);
    await worker.run();
  } finally {
    await connection.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
