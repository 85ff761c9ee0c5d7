/**
 * `npm start`: the whole system on one machine. Without TEMPORAL_ADDRESS it starts the Temporal
 * dev server (SQLite file under data/, Web UI); without VENUE_CONFIG it runs the demo venue
 * against the device simulator. Then it syncs the inventory and runs the worker until Ctrl-C.
 * With Prometheus and Alertmanager installed it runs them too (devstack/alerting.ts), and for the
 * demo a webhook receiver that prints each notification in the terminal.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { apiSettings } from '../api/settings';
import { startApi } from '../api/start';
import { loadEnvironment, type Environment } from '../config/environment';
import { loadVenueConfig } from '../config/load';
import { createSecretResolver } from '../config/secrets';
import { connectClient, temporalTarget } from '../config/temporal';
import { syncInventory } from '../fleet/sync';
import { portInUse, runProcess, StartupError } from '../lifecycle/startup';
import { loadSimulatorConfig } from '../simulator/config';
import { startSimulator } from '../simulator';
import { workerSettings } from '../worker/settings';
import { prepareWorker } from '../worker/start';
import { plannedAlertmanagerUrl, startAlerting } from './alerting';
import { startDevServer, type DevServer, type DevServerOptions } from './dev-server';
import { DEFAULT_PRINTER_PORT, startNotificationPrinter } from '../alerting/notification-printer';

const ROOT = path.resolve(__dirname, '..');
const DEMO_VENUE = path.join(ROOT, 'config/demo-venue.yaml');
const DEMO_SECRETS = path.join(ROOT, 'config/demo-secrets.yaml');
const DEMO_DEVICES = path.join(ROOT, 'simulator/demo-devices.yaml');

runProcess(async (startup) => {
  const { demo, env, devServerOptions } = startSettings(process.env);
  const venue = loadVenueConfig(env.VENUE_CONFIG);
  const api = apiSettings(env, { demo });
  const alertmanagerPort = Number(process.env.ALERTMANAGER_PORT ?? 9095);
  // The readiness reports go to the Alertmanager started below, unless the environment names one.
  const alertmanagerUrl = env.ALERTMANAGER_URL ?? plannedAlertmanagerUrl(venue, alertmanagerPort);
  const worker = prepareWorker({ ...workerSettings(env, venue), alertmanagerUrl });

  let devServer: DevServer | undefined;
  if (devServerOptions) {
    devServer = await startDevServer(devServerOptions).catch((error: unknown) => {
      throw devServerPortFailure(error);
    });
    startup.started('the Temporal dev server', devServer.stop);
  }
  const simulator = demo
    ? await startSimulator(loadSimulatorConfig(DEMO_DEVICES)).catch((error: unknown) => {
        throw demoDevicePortFailure(error, process.env);
      })
    : undefined;
  if (simulator) startup.started('the device simulator', () => simulator.stop());

  const target = temporalTarget(devServer ? { ...process.env, TEMPORAL_ADDRESS: devServer.address } : process.env);
  const { drained } = await worker.start(startup, target);
  const client = await connectClient(startup, target);
  const report = await syncInventory(client, { taskQueue: env.TEMPORAL_TASK_QUEUE, machines: venue.machines, readiness: { spec: venue.readiness } });
  const webUiUrl = api.webUiBaseUrl ?? devServer?.uiUrl;
  const apiUrl = await startApi(startup, { ...api, webUiBaseUrl: webUiUrl }, { client, namespace: target.namespace, venue });
  if (demo) {
    const printer = await startNotificationPrinter(Number(process.env.DEMO_ALERTS_PORT ?? DEFAULT_PRINTER_PORT));
    startup.started('the notification printer', printer.stop);
  }
  const alerting = await startAlerting(startup, {
    venue,
    resolveSecret: createSecretResolver({ env: process.env, secretsFile: env.SHOWCTL_SECRETS_FILE }),
    workerMetrics: worker.metricsUrl && new URL(worker.metricsUrl).host,
    webUiUrl,
    namespace: target.namespace,
    prometheusPort: Number(process.env.PROMETHEUS_PORT ?? 9091),
    alertmanagerPort,
    dataDir: dataDirOf(process.env),
  });

  console.log(`\n${venue.venue.name}: ${venue.machines.length} machines, tick ${venue.tickMs / 1000} s`);
  console.log(`  inventory:   ${report.started.length} started, ${report.updated.length} updated, ${report.unchanged.length} unchanged, ${report.retired.length} retired`);
  if (venue.readiness) console.log(`  readiness:   reports ${venue.readiness.beforeMs / 60_000} min before each opening of "${venue.readiness.schedule.name}" (${report.readiness})`);
  if (devServer?.uiUrl) console.log(`  Web UI:      ${devServer.uiUrl}/namespaces/${target.namespace}/workflows`);
  console.log(`  Temporal:    ${target.connectionOptions.address} (npm run temporal -- workflow list)`);
  console.log(`  board:       ${apiUrl}/`);
  console.log(`  API:         ${apiUrl} (${apiUrl}/openapi.json)`);
  if (worker.metricsUrl) console.log(`  metrics:     ${worker.metricsUrl}`);
  if (simulator) console.log(`  simulator:   ${simulator.devices.length} demo devices on 127.0.x.x`);
  for (const line of alerting) console.log(line);
  console.log('ready; Ctrl-C stops everything\n');
  // The SDK shuts the worker down on SIGINT/SIGTERM; this resolves once it has drained, and
  // runProcess then stops the rest in reverse order: API, connections, simulator, dev server.
  await drained;
});

/**
 * The settings, from the environment `npm start` was given: the demo venue and its secrets unless
 * VENUE_CONFIG names a venue, a dev server unless TEMPORAL_ADDRESS names a Temporal to use.
 */
function startSettings(given: NodeJS.ProcessEnv): { demo: boolean; env: Environment; devServerOptions?: DevServerOptions } {
  const demo = !given.VENUE_CONFIG;
  const env = loadEnvironment(demo ? { ...given, VENUE_CONFIG: DEMO_VENUE, SHOWCTL_SECRETS_FILE: given.SHOWCTL_SECRETS_FILE ?? DEMO_SECRETS } : given);
  if (given.TEMPORAL_ADDRESS) return { demo, env };
  return {
    demo,
    env,
    devServerOptions: {
      port: Number(given.TEMPORAL_PORT ?? 7233),
      uiPort: Number(given.TEMPORAL_UI_PORT ?? 8233),
      dbFile: given.TEMPORAL_DB_FILE ?? path.join(dataDirOf(given), 'temporal.sqlite'),
    },
  };
}

/** The git-ignored folder of this run's data: the dev server's database, Prometheus's and Alertmanager's. */
function dataDirOf(given: NodeJS.ProcessEnv): string {
  return given.TEMPORAL_DB_FILE ? path.dirname(given.TEMPORAL_DB_FILE) : path.join(ROOT, 'data');
}

/** The CLI says which of its ports it could not bind: "can't set frontend port 7233: ... address already in use". */
function devServerPortFailure(error: unknown): unknown {
  const taken = error instanceof Error ? /can't set (frontend|UI) port (\d+): .*address already in use/.exec(error.message) : null;
  if (!taken) return error;
  return portInUse(taken[1] === 'UI' ? 'TEMPORAL_UI_PORT' : 'TEMPORAL_PORT', taken[2]!, error);
}

/**
 * A demo device could not bind its address: which DEMO_*_PORT placed it there, read from the
 * demo's device file (`port: ${DEMO_PJLINK_PORT:-4352}`) as the simulator resolved it.
 */
function demoDevicePortFailure(error: unknown, env: NodeJS.ProcessEnv): unknown {
  const { code, address, port } = (error ?? {}) as NodeJS.ErrnoException & { address?: string; port?: number };
  if (code !== 'EADDRINUSE' || port === undefined) return error;
  const settings = [...readFileSync(DEMO_DEVICES, 'utf8').matchAll(/\$\{(DEMO_[A-Z_]+_PORT):-(\d+)\}/g)]
    .filter(([, setting, fallback]) => Number(env[setting!] ?? fallback) === port)
    .map(([, setting]) => setting!);
  const setting = [...new Set(settings)].join(' or ') || 'the port in simulator/demo-devices.yaml';
  return new StartupError(`${setting} ${port} is already in use on ${address} (EADDRINUSE), by a demo device: stop what listens there or set ${setting}`, { cause: error });
}
