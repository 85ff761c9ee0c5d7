import type { LogLevel } from '@temporalio/worker';
import type { MachineSpec } from '../domain/types';
import type { Environment } from '../config/environment';
import type { VenueConfig } from '../config/load';
import { cacheSizeFor } from './create-worker';

/** What a worker process runs with, whoever starts it (`npm run worker`, `npm start`, a benchmark). */
export interface WorkerSettings {
  taskQueue: string;
  /** Their secrets are checked at start, not at the first tick of the machine that needs one. */
  machines: readonly MachineSpec[];
  secretsFile: string | undefined;
  maxConcurrentActivities: number;
  maxCachedWorkflows: number;
  /** 0 leaves the Prometheus endpoint off. */
  metricsPort: number;
  logLevel: LogLevel;
  /** Readiness reports go out through it; absent, they stay in the API. */
  alertmanagerUrl: string | undefined;
}

/** The worker's settings from the parsed environment (config/environment.ts) and the venue it serves. */
export function workerSettings(env: Environment, venue: VenueConfig): WorkerSettings {
  return {
    taskQueue: env.TEMPORAL_TASK_QUEUE,
    machines: venue.machines,
    secretsFile: env.SHOWCTL_SECRETS_FILE,
    maxConcurrentActivities: env.WORKER_MAX_ACTIVITIES,
    maxCachedWorkflows: env.WORKER_MAX_CACHED_WORKFLOWS ?? cacheSizeFor(venue.machines.length),
    metricsPort: env.METRICS_PORT,
    logLevel: env.LOG_LEVEL,
    alertmanagerUrl: env.ALERTMANAGER_URL,
  };
}
