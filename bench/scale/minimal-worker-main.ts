/**
 * Child process entry: the worker of the minimal Temporal loop (minimal-workflow.ts), built the
 * way worker/main.ts builds ours: the product's activities, the same slots and cache size, the
 * SDK's defaults for everything else. Same environment variables as worker/main.ts.
 */
import { NativeConnection, Worker } from '@temporalio/worker';
import { createActivities } from '../../activities';
import { loadEnvironment } from '../../config/environment';
import { createSecretResolver } from '../../config/secrets';
import { temporalTarget } from '../../config/temporal';
import { capacityOptions, cacheSizeFor, STICKY_QUEUE_TIMEOUT } from '../../worker/create-worker';
import { installWorkerRuntime } from '../../worker/runtime';
import { loadVenueConfig } from '../../config/load';

async function main(): Promise<void> {
  const env = loadEnvironment();
  installWorkerRuntime({ metricsPort: env.METRICS_PORT, logLevel: env.LOG_LEVEL });
  const target = temporalTarget();
  const connection = await NativeConnection.connect(target.connectionOptions);
  try {
    const worker = await Worker.create({
      connection,
      namespace: target.namespace,
      taskQueue: env.TEMPORAL_TASK_QUEUE,
      workflowsPath: require.resolve('./minimal-workflow'),
      activities: createActivities({ secrets: createSecretResolver({}) }),
      ...capacityOptions(env.WORKER_MAX_ACTIVITIES, env.WORKER_MAX_CACHED_WORKFLOWS ?? cacheSizeFor(loadVenueConfig(env.VENUE_CONFIG).machines.length)),
      stickyQueueScheduleToStartTimeout: STICKY_QUEUE_TIMEOUT,
      shutdownGraceTime: '10s',
      shutdownForceTime: '20s',
    });
    console.log(`worker polling task queue ${env.TEMPORAL_TASK_QUEUE} on ${target.namespace}`);
    await worker.run();
  } finally {
    await connection.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
