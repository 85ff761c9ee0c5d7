/**
 * The processes a benchmark or a resilience test runs against, each measured and killed on its
 * own: a Temporal dev server of its own, the device simulator (simulator/cli.ts) and the worker
 * (worker/main.ts, or a benchmark's experiment on the same start), unchanged, configured only
 * through their command lines and environment as in production.
 */
import { findFreePort, startDevServer, type DevServer, type DevServerOptions } from '../devstack/dev-server';
import { secretEnvName } from '../config/secrets';
import { startTsChild, type ManagedChild } from './child';
import { BENCH_SECRETS } from './venue-files';

export type TemporalServerProcess = DevServer;

/** The dev server `npm start` runs, on free ports: in memory, or in `dbFile` to survive a restart. */
export function startTemporalServerProcess(options: Pick<DevServerOptions, 'dbFile' | 'port'> = {}): Promise<TemporalServerProcess> {
  return startDevServer(options);
}

export interface SimulatedDeviceAddress {
  id: string;
  kind: string;
  host: string;
  port: number;
  wolPort?: number;
}

export interface SimulatorProcess {
  child: ManagedChild;
  devices: SimulatedDeviceAddress[];
  /** JSON lines of every connection and command, complete once stop() resolved. */
  eventLogFile?: string;
  stop(): Promise<void>;
}

export interface SimulatorProcessOptions {
  configFile: string;
  eventLogFile?: string;
  readyTimeoutMs?: number;
}

export async function startSimulatorProcess(options: SimulatorProcessOptions): Promise<SimulatorProcess> {
  const child = startTsChild({
    name: 'simulator',
    script: 'simulator/cli.ts',
    args: ['--config', options.configFile, '--json', ...(options.eventLogFile ? ['--event-log', options.eventLogFile] : [])],
  });
  try {
    const { input: line } = await child.waitForLine(/^\{"devices":/, options.readyTimeoutMs ?? 60_000);
    const { devices } = JSON.parse(line as string) as { devices: SimulatedDeviceAddress[] };
    return { child, devices, eventLogFile: options.eventLogFile, stop: async () => void (await child.stop()) };
  } catch (error) {
    await child.kill();
    throw error;
  }
}

export interface WorkerProcess {
  child: ManagedChild;
  /** Prometheus endpoint of the SDK runtime; undefined when metrics are off. */
  metricsUrl?: string;
  /** Graceful: SIGTERM, the SDK drains in-flight activities; SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
  /** kill -9. */
  kill(): Promise<void>;
}

export interface WorkerProcessOptions {
  /** The worker's entry point: worker/main.ts, or a benchmark's experiment built on worker/start.ts. */
  script?: string;
  /** How its output is labelled. */
  name?: string;
  venueFile: string;
  temporalAddress: string;
  namespace?: string;
  taskQueue: string;
  /** 0 turns the Prometheus endpoint off; 'free' picks a free port. */
  metricsPort: number | 'free';
  /** Preloads harness/runtime-probe.ts so heap and active resources can be sampled. */
  runtimeProbe?: boolean;
  /** More variables, e.g. WORKER_MAX_ACTIVITIES or secrets. */
  env?: NodeJS.ProcessEnv;
  /** Bundling the workflow code at start takes seconds, more on a busy machine. */
  readyTimeoutMs?: number;
}

export async function startWorkerProcess(options: WorkerProcessOptions): Promise<WorkerProcess> {
  const metricsPort = options.metricsPort === 'free' ? await findFreePort() : options.metricsPort;
  const child = startTsChild({
    name: options.name ?? 'worker',
    script: options.script ?? 'worker/main.ts',
    runtimeProbe: options.runtimeProbe,
    env: {
      ...withoutTemporalVariables(process.env),
      ...Object.fromEntries(Object.entries(BENCH_SECRETS).map(([name, value]) => [secretEnvName(name), value])),
      ...options.env,
      VENUE_CONFIG: options.venueFile,
      TEMPORAL_ADDRESS: options.temporalAddress,
      TEMPORAL_NAMESPACE: options.namespace ?? 'default',
      TEMPORAL_TASK_QUEUE: options.taskQueue,
      METRICS_PORT: String(metricsPort),
    },
  });
  try {
    await child.waitForLine(/^worker polling task queue /, options.readyTimeoutMs ?? 120_000);
  } catch (error) {
    await child.kill();
    throw error;
  }
  return {
    child,
    metricsUrl: metricsPort > 0 ? `http://127.0.0.1:${metricsPort}/metrics` : undefined,
    stop: async (graceMs) => void (await child.stop(graceMs)),
    kill: async () => void (await child.kill()),
  };
}

/** The caller's own Temporal settings (a cloud profile, TLS) must not leak into a local benchmark. */
function withoutTemporalVariables(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !name.startsWith('TEMPORAL_')));
}
