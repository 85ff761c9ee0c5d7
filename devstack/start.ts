/**
 * `npm start`: the whole system on one machine. Without TEMPORAL_ADDRESS it starts the Temporal
 * dev server (SQLite file under data/, Web UI); without VENUE_CONFIG it runs the demo venue
 * against the device simulator. Then it syncs the inventory and runs the worker until Ctrl-C.
 */
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { createActivities } from '../activities';
import { createApp } from '../api/app';
import { apiSettings } from '../api/settings';
import { loadEnvironment } from '../config/environment';
import { loadVenueConfig } from '../config/load';
import { createSecretResolver, secretRefsOf } from '../config/secrets';
import { temporalTarget, temporalUnreachable } from '../config/temporal';
import { syncInventory } from '../inventory/sync';
import { loadSimulatorConfig } from '../simulator/config';
import { startSimulator } from '../simulator';
import { cacheSizeFor, createMachineWorker } from '../worker/create-worker';
import { installWorkerRuntime, runUntilDrained } from '../worker/runtime';
import { startDevServer, type DevServer } from './dev-server';
import { portFailure, portInUse, runProcess, type Startup } from '../lifecycle/startup';

const ROOT = path.resolve(__dirname, '..');
const DEMO_VENUE = path.join(ROOT, 'config/demo-venue.yaml');
const DEMO_SECRETS = path.join(ROOT, 'config/demo-secrets.yaml');
const DEMO_DEVICES = path.join(ROOT, 'simulator/demo-devices.yaml');

async function main(startup: Startup): Promise<void> {
  const demo = !process.env.VENUE_CONFIG;
  if (demo) {
    process.env.VENUE_CONFIG = DEMO_VENUE;
    process.env.SHOWCTL_SECRETS_FILE ??= DEMO_SECRETS;
  }
  const env = loadEnvironment();
  const venue = loadVenueConfig(env.VENUE_CONFIG);
  const secrets = createSecretResolver({ secretsFile: env.SHOWCTL_SECRETS_FILE });
  for (const name of secretRefsOf(venue.machines)) secrets({ secret: name });
  const apiOptions = apiSettings(env, { demo });
  const metricsUrl = installWorkerRuntime({ metricsPort: env.METRICS_PORT, logLevel: env.LOG_LEVEL });

  let devServer: DevServer | undefined;
  if (!process.env.TEMPORAL_ADDRESS) {
    devServer = await startDevServer({
      port: Number(process.env.TEMPORAL_PORT ?? 7233),
      uiPort: Number(process.env.TEMPORAL_UI_PORT ?? 8233),
      dbFile: process.env.TEMPORAL_DB_FILE ?? path.join(ROOT, 'data/temporal.sqlite'),
    }).catch((error: unknown) => {
      throw devServerPortFailure(error);
    });
    startup.started('the Temporal dev server', devServer.stop);
    process.env.TEMPORAL_ADDRESS = devServer.address;
  }
  const simulator = demo ? await startSimulator(loadSimulatorConfig(DEMO_DEVICES)) : undefined;
  if (simulator) startup.started('the device simulator', simulator.stop);

  const target = temporalTarget();
  const address = target.connectionOptions.address;
  const nativeConnection = await NativeConnection.connect(target.connectionOptions).catch((error: unknown) => {
    throw temporalUnreachable(error, address);
  });
  startup.started('the worker connection', () => nativeConnection.close());
  const clientConnection = await Connection.connect(target.connectionOptions);
  startup.started('the client connection', () => clientConnection.close());
  const client = new Client({ connection: clientConnection, namespace: target.namespace });
  const worker = await createMachineWorker({
    connection: nativeConnection,
    namespace: target.namespace,
    taskQueue: env.TEMPORAL_TASK_QUEUE,
    activities: createActivities({ secrets }),
    maxConcurrentActivities: env.WORKER_MAX_ACTIVITIES,
    maxCachedWorkflows: env.WORKER_MAX_CACHED_WORKFLOWS ?? cacheSizeFor(venue.machines.length),
  });
  const running = runUntilDrained(worker);
  // Before its connection closes: a worker still holding it makes the close throw.
  startup.started('the worker', async () => {
    if (worker.getState() === 'RUNNING') worker.shutdown();
    await running;
  });
  const report = await syncInventory(client, { taskQueue: env.TEMPORAL_TASK_QUEUE, machines: venue.machines });
  const api = createApp({
    client,
    namespace: target.namespace,
    taskQueue: env.TEMPORAL_TASK_QUEUE,
    venue,
    ...apiOptions,
    webUiBaseUrl: apiOptions.webUiBaseUrl ?? devServer?.uiUrl,
  });
  const { url: apiUrl } = await api.start(env.API_PORT, env.API_HOST).catch((error: unknown) => {
    throw portFailure(error, 'API_PORT', env.API_PORT);
  });
  startup.started('the operator API', api.stop);

  console.log(`\n${venue.venue.name}: ${venue.machines.length} machines, tick ${venue.tickMs / 1000} s`);
  console.log(`  inventory:   ${report.started.length} started, ${report.updated.length} updated, ${report.unchanged.length} unchanged, ${report.retired.length} retired`);
  if (devServer?.uiUrl) console.log(`  Web UI:      ${devServer.uiUrl}/namespaces/${target.namespace}/workflows`);
  console.log(`  Temporal:    ${process.env.TEMPORAL_ADDRESS} (npm run temporal -- workflow list)`);
  console.log(`  board:       ${apiUrl}/`);
  console.log(`  API:         ${apiUrl} (${apiUrl}/openapi.json)`);
  if (metricsUrl) console.log(`  metrics:     ${metricsUrl}`);
  if (simulator) console.log(`  simulator:   ${simulator.devices.length} demo devices on 127.0.x.x`);
  console.log('ready; Ctrl-C stops everything\n');
  // The SDK shuts the worker down on SIGINT/SIGTERM; this resolves once it has drained, and
  // runProcess then stops the rest in reverse order: API, connections, simulator, dev server.
  await running;
}

/** The CLI says which of its ports it could not bind: "can't set frontend port 7233: ... address already in use". */
function devServerPortFailure(error: unknown): unknown {
  const taken = error instanceof Error ? /can't set (frontend|UI) port (\d+): .*address already in use/.exec(error.message) : null;
  if (!taken) return error;
  return portInUse(taken[1] === 'UI' ? 'TEMPORAL_UI_PORT' : 'TEMPORAL_PORT', taken[2]!, error);
}

runProcess(main);
