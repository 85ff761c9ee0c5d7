/**
 * Child process entry for tuning experiments: our worker exactly as worker/main.ts builds it
 * (worker/create-worker.ts settings, the product's workflows and activities), plus the SDK
 * worker options in BENCH_WORKER_OPTIONS (JSON), e.g. {"maxCachedWorkflows":1000}. Lets the
 * benchmark measure an option before worker/ grows a setting for it.
 */
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities } from '../../activities';
import { loadEnvironment } from '../../config/environment';
import { createSecretResolver } from '../../config/secrets';
import { temporalTarget } from '../../config/temporal';
import { installWorkerRuntime } from '../../worker/runtime';

type TunableOptions = Partial<Omit<WorkerOptions, 'connection' | 'namespace' | 'taskQueue' | 'activities' | 'workflowsPath'>>;

async function main(): Promise<void> {
  const env = loadEnvironment();
  const tuning = JSON.parse(process.env.BENCH_WORKER_OPTIONS ?? '{}') as TunableOptions;
  installWorkerRuntime({ metricsPort: env.METRICS_PORT, logLevel: env.LOG_LEVEL });
  const target = temporalTarget();
  const connection = await NativeConnection.connect(target.connectionOptions);
  try {
    const worker = await Worker.create({
      connection,
      namespace: target.namespace,
      taskQueue: env.TEMPORAL_TASK_QUEUE,
      workflowsPath: require.resolve('../../workflows'),
      activities: createActivities({ secrets: createSecretResolver({ secretsFile: env.SHOWCTL_SECRETS_FILE }) }),
      maxConcurrentActivityTaskExecutions: env.WORKER_MAX_ACTIVITIES,
      shutdownGraceTime: '10s',
      shutdownForceTime: '20s',
      ...tuning,
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
