import { DefaultLogger, Runtime, type LogEntry, type LogLevel } from '@temporalio/worker';
import { portInUse } from '../lifecycle/startup';
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
  try {
    Runtime.install({
      logger: new DefaultLogger(options.logLevel, (entry) => console.error(formatLogEntry(entry))),
      telemetryOptions:
        options.metricsPort > 0
          ? { metrics: { prometheus: { bindAddress, histogramBucketOverrides: HISTOGRAM_BUCKETS_SECONDS } } }
          : undefined,
    });
  } catch (error) {
    // sdk-core reports the exporter's bind failure in words, without an errno code.
    if (error instanceof Error && /Address already in use/i.test(error.message)) throw portInUse('METRICS_PORT', options.metricsPort, error);
    throw error;
  }
  return options.metricsPort > 0 ? `http://${bindAddress}/metrics` : undefined;
}

function formatLogEntry({ level, message, meta }: LogEntry): string {
  const context = [meta?.workflowId, meta?.activityType, meta?.attempt === undefined ? undefined : `attempt ${meta.attempt}`]
    .filter((part) => part !== undefined)
    .join(' ');
  const error = meta?.error instanceof Error ? meta.error.message : meta?.message;
  return `${level} ${message}${context ? ` [${context}]` : ''}${error ? `: ${String(error)}` : ''}`;
}

const SHUTDOWN_SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/**
 * Runs a worker until it has drained after SIGINT or SIGTERM. The SDK shuts the worker down on
 * the first signal and then stops listening, so a repeat would end the process with Node's default
 * action, in the middle of the drain or of the clean-up after it (the dev server left running).
 * A repeat is common: npm relays a terminal's Ctrl-C to the process group that already got it.
 * So from here on repeats are ignored for the rest of the process's life; every step of the
 * shutdown is bounded in time (the worker's shutdownForceTime, the dev server's stop grace).
 */
export async function runUntilDrained(worker: { run(): Promise<void> }): Promise<void> {
  for (const signal of SHUTDOWN_SIGNALS) process.on(signal, ignoreRepeat);
  await worker.run();
}

function ignoreRepeat(): void {}
