/**
 * The worker process: runs every machine workflow and device activity of the task queue.
 * Settings: see config/environment.ts and README (Temporal connection from the standard
 * TEMPORAL_* variables). Stops gracefully on SIGINT/SIGTERM.
 */
import { NativeConnection } from '@temporalio/worker';
import { createActivities } from '../activities';
import { loadEnvironment } from '../config/environment';
import { loadVenueConfig } from '../config/load';
import { createSecretResolver, secretRefsOf } from '../config/secrets';
import { temporalTarget, temporalUnreachable } from '../config/temporal';
import { runProcess, type Startup } from '../lifecycle/startup';
import { cacheSizeFor, createMachineWorker } from './create-worker';
import { installWorkerRuntime, runUntilDrained } from './runtime';

async function main(startup: Startup): Promise<void> {
  const env = loadEnvironment();
  const venue = loadVenueConfig(env.VENUE_CONFIG);
  const secrets = createSecretResolver({ secretsFile: env.SHOWCTL_SECRETS_FILE });
  // Fail at start, not at the first tick of the machine that needs the missing credential.
  for (const name of secretRefsOf(venue.machines)) secrets({ secret: name });

  const metricsUrl = installWorkerRuntime({ metricsPort: env.METRICS_PORT, logLevel: env.LOG_LEVEL });
  if (metricsUrl) console.log(`worker metrics: ${metricsUrl}`);
  const target = temporalTarget();
  const connection = await NativeConnection.connect(target.connectionOptions).catch((error: unknown) => {
    throw temporalUnreachable(error, target.connectionOptions.address);
  });
  startup.started('the worker connection', () => connection.close());
  const worker = await createMachineWorker({
    connection,
    namespace: target.namespace,
    taskQueue: env.TEMPORAL_TASK_QUEUE,
    activities: createActivities({ secrets }),
    maxConcurrentActivities: env.WORKER_MAX_ACTIVITIES,
    maxCachedWorkflows: env.WORKER_MAX_CACHED_WORKFLOWS ?? cacheSizeFor(venue.machines.length),
  });
  console.log(`worker polling task queue ${env.TEMPORAL_TASK_QUEUE} on ${target.namespace}`);
  await runUntilDrained(worker);
}

runProcess(main);
