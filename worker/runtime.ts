import { DefaultLogger, Runtime, type LogEntry, type LogLevel } from '@temporalio/worker';
import { HISTOGRAM_BUCKETS_SECONDS } from './metrics';

export interface WorkerRuntimeOptions {
  /** Port of the Prometheus endpoint on `metricsHost`; 0 leaves metrics off. */
  metricsPort: number;
  metricsHost?: string;
  logLevel: LogLevel;
}

/**
 * Installs the SDK runtime once per process, before any connection: one log line per event
 * (the default prints multi-line objects), and the Prometheus endpoint with the temporal_*
 * series (task slots, activity failures, schedule-to-start latency) next to our own showctl_*
 * ones (docs/observability.md). Returns the metrics URL.
 */
export function installWorkerRuntime(options: WorkerRuntimeOptions): string | undefined {
  const bindAddress = `${options.metricsHost ?? '127.0.0.1'}:${options.metricsPort}`;
  Runtime.install({
    logger: new DefaultLogger(options.logLevel, (entry) => console.error(formatLogEntry(entry))),
    telemetryOptions:
      options.metricsPort > 0
        ? { metrics: { prometheus: { bindAddress, histogramBucketOverrides: HISTOGRAM_BUCKETS_SECONDS } } }
        : undefined,
  });
  return options.metricsPort > 0 ? `http://${bindAddress}/metrics` : undefined;
}

function formatLogEntry({ level, message, meta }: LogEntry): string {
  const context = [meta?.workflowId, meta?.activityType, meta?.attempt === undefined ? undefined : `attempt ${meta.attempt}`]
    .filter((part) => part !== undefined)
    .join(' ');
  const error = meta?.error instanceof Error ? meta.error.message : meta?.message;
  return `${level} ${message}${context ? ` [${context}]` : ''}${error ? `: ${String(error)}` : ''}`;
}
