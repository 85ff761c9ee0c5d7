import { Runtime } from '@temporalio/worker';

/**
 * Installs the SDK runtime with its Prometheus endpoint (temporal_* series: task slots,
 * activity failures, schedule-to-start latency). It must run once, before any connection.
 */
export function installRuntimeWithMetrics(metricsPort: number): string {
  const bindAddress = `127.0.0.1:${metricsPort}`;
  Runtime.install({ telemetryOptions: { metrics: { prometheus: { bindAddress } } } });
  return `http://${bindAddress}/metrics`;
}
