/**
 * `npm start`: the whole system on one machine. Without TEMPORAL_ADDRESS it starts the Temporal
 * dev server (SQLite file under data/, Web UI); without VENUE_CONFIG it runs the demo venue
 * against the device simulator. Then it syncs the inventory and runs the worker until Ctrl-C.
 */
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { createActivities } from '../activities';
import { createApp, type ApiApp } from '../api/app';
import { apiSettings } from '../api/settings';
import { loadEnvironment } from '../config/environment';
import { loadVenueConfig } from '../config/load';
import { createSecretResolver, secretRefsOf } from '../config/secrets';
import { temporalTarget } from '../config/temporal';
import { syncInventory } from '../inventory/sync';
import { loadSimulatorConfig } from '../simulator/config';
import { startSimulator, type Simulator } from '../simulator';
import { cacheSizeFor, createMachineWorker } from '../worker/create-worker';
import { installWorkerRuntime, runUntilDrained } from '../worker/runtime';
import { startDevServer, type DevServer } from './dev-server';

const ROOT = path.resolve(__dirname, '..');
const DEMO_VENUE = path.join(ROOT, 'config/demo-venue.yaml');
const DEMO_SECRETS = path.join(ROOT, 'config/demo-secrets.yaml');
const DEMO_DEVICES = path.join(ROOT, 'simulator/demo-devices.yaml');

async function main(): Promise<void> {
  const demo = !process.env.VENUE_CONFIG;
  if (demo) {
    process.env.VENUE_CONFIG = DEMO_VENUE;
    process.env.SHOWCTL_SECRETS_FILE ??= DEMO_SECRETS;
  }
  const env = loadEnvironment();
  const venue = loadVenueConfig(env.VENUE_CONFIG);
  const secrets = createSecretResolver({ secretsFile: env.SHOWCTL_SECRETS_FILE });
  for (const name of secretRefsOf(venue.machines)) secrets({ secret: name });
  const metricsUrl = installWorkerRuntime({ metricsPort: env.METRICS_PORT, logLevel: env.LOG_LEVEL });

  let devServer: DevServer | undefined;
  let simulator: Simulator | undefined;
  let nativeConnection: NativeConnection | undefined;
  let clientConnection: Connection | undefined;
  let api: ApiApp | undefined;
  try {
    if (!process.env.TEMPORAL_ADDRESS) {
      devServer = await startDevServer({
        port: Number(process.env.TEMPORAL_PORT ?? 7233),
        uiPort: Number(process.env.TEMPORAL_UI_PORT ?? 8233),
        dbFile: process.env.TEMPORAL_DB_FILE ?? path.join(ROOT, 'data/temporal.sqlite'),
      });
      process.env.TEMPORAL_ADDRESS = devServer.address;
    }
    if (demo) simulator = await startSimulator(loadSimulatorConfig(DEMO_DEVICES));

    const target = temporalTarget();
    clientConnection = await Connection.connect(target.connectionOptions);
    const client = new Client({ connection: clientConnection, namespace: target.namespace });
    nativeConnection = await NativeConnection.connect(target.connectionOptions);
    const worker = await createMachineWorker({
      connection: nativeConnection,
      namespace: target.namespace,
      taskQueue: env.TEMPORAL_TASK_QUEUE,
      activities: createActivities({ secrets }),
      maxConcurrentActivities: env.WORKER_MAX_ACTIVITIES,
      maxCachedWorkflows: env.WORKER_MAX_CACHED_WORKFLOWS ?? cacheSizeFor(venue.machines.length),
    });
    const running = runUntilDrained(worker);
    const report = await syncInventory(client, { taskQueue: env.TEMPORAL_TASK_QUEUE, machines: venue.machines });
    api = createApp({
      client,
      namespace: target.namespace,
      taskQueue: env.TEMPORAL_TASK_QUEUE,
      venue,
      ...apiSettings(env, { demo, webUiBaseUrl: devServer?.uiUrl }),
    });
    const { url: apiUrl } = await api.start(env.API_PORT, env.API_HOST);

    console.log(`\n${venue.venue.name}: ${venue.machines.length} machines, tick ${venue.tickMs / 1000} s`);
    console.log(`  inventory:   ${report.started.length} started, ${report.updated.length} updated, ${report.unchanged.length} unchanged, ${report.retired.length} retired`);
    if (devServer?.uiUrl) console.log(`  Web UI:      ${devServer.uiUrl}/namespaces/${target.namespace}/workflows`);
    console.log(`  Temporal:    ${process.env.TEMPORAL_ADDRESS} (npm run temporal -- workflow list)`);
    console.log(`  board:       ${apiUrl}/`);
    console.log(`  API:         ${apiUrl} (${apiUrl}/openapi.json)`);
    if (metricsUrl) console.log(`  metrics:     ${metricsUrl}`);
    if (simulator) console.log(`  simulator:   ${simulator.devices.length} demo devices on 127.0.x.x`);
    console.log('ready; Ctrl-C stops everything\n');
    // The SDK shuts the worker down on SIGINT/SIGTERM; this resolves once it has drained.
    await running;
  } finally {
    await api?.stop();
    await nativeConnection?.close();
    await clientConnection?.close();
    await simulator?.stop();
    await devServer?.stop();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
