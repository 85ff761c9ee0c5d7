/**
 * `npm start`'s alert path: Prometheus with the project's rules scraping the worker and
 * Alertmanager, and Alertmanager configured from the venue's `notifications:` section (for the demo,
 * the terminal's notification printer). Runs only when both programs are installed; otherwise it
 * says how to install them, and the demo runs without.
 */
import { createServer } from 'node:net';
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import type { SecretResolver } from '../activities/drivers/shared/spec';
import type { VenueConfig } from '../config/load';
import { alertmanagerConfigOf } from '../alerting/venue-config';
import { writeAlertmanagerConfig } from '../alerting/write-config';
import { portFailure, type Startup } from '../lifecycle/startup';
import { startReadyProcess } from './ready-process';
import { ALERTMANAGER_BINARIES, findBinary, INSTALL_HINT, PROMETHEUS_BINARIES } from './system-binary';

const OBSERVABILITY_DIR = path.resolve(__dirname, '../observability');
const WORKER_JOB = 'show-control-worker';
const ALERTMANAGER_JOB = 'alertmanager';

export interface AlertingSettings {
  venue: VenueConfig;
  resolveSecret: SecretResolver;
  /** host:port of the worker's metrics endpoint. */
  workerMetrics: string | undefined;
  webUiUrl: string | undefined;
  namespace: string;
  prometheusPort: number;
  alertmanagerPort: number;
  /** Where the generated configurations and the programs' data go (git-ignored). */
  dataDir: string;
}

/** Lines for the start-up summary: where Prometheus and Alertmanager are, or why they are not running. */
export type AlertingSummary = string[];

/**
 * Where the Alertmanager that startAlerting will run listens, for the worker's readiness reports
 * (the worker starts before it); undefined when it will not run for want of the programs or of a
 * `notifications:` section.
 */
export function plannedAlertmanagerUrl(venue: VenueConfig, alertmanagerPort: number): string | undefined {
  const installed = findBinary(PROMETHEUS_BINARIES) && findBinary(ALERTMANAGER_BINARIES);
  return installed && venue.notifications ? `http://127.0.0.1:${alertmanagerPort}` : undefined;
}

export async function startAlerting(startup: Startup, settings: AlertingSettings): Promise<AlertingSummary> {
  const prometheus = findBinary(PROMETHEUS_BINARIES);
  const alertmanager = findBinary(ALERTMANAGER_BINARIES);
  const missing = [!prometheus && 'prometheus', !alertmanager && `alertmanager (or ${ALERTMANAGER_BINARIES[1]})`].filter(Boolean);
  if (missing.length > 0) return [`  alerts:      off: ${missing.join(' and ')} not on the PATH; to run them here: ${INSTALL_HINT}`];
  if (!settings.venue.notifications) return ['  alerts:      off: the venue file has no notifications: section (config/example-venue.yaml)'];
  if (!settings.workerMetrics) return ['  alerts:      off: the worker serves no metrics (METRICS_PORT=0)'];
  if (!settings.webUiUrl) return ['  alerts:      off: set TEMPORAL_UI_URL so that notifications can link to the Web UI'];

  await Promise.all([ensureFree(settings.prometheusPort, 'PROMETHEUS_PORT'), ensureFree(settings.alertmanagerPort, 'ALERTMANAGER_PORT')]);
  const alertmanagerAddress = `127.0.0.1:${settings.alertmanagerPort}`;
  const alertmanagerUrl = `http://${alertmanagerAddress}`;
  const alertmanagerConfig = path.join(settings.dataDir, 'alertmanager', 'alertmanager.yml');
  await writeAlertmanagerConfig(
    alertmanagerConfig,
    alertmanagerConfigOf(settings.venue, { resolveSecret: settings.resolveSecret, webUiUrl: settings.webUiUrl, namespace: settings.namespace }),
  );
  const alertmanagerProcess = await startReadyProcess({
    name: 'Alertmanager',
    command: alertmanager as string,
    args: [
      `--config.file=${alertmanagerConfig}`,
      `--storage.path=${path.join(settings.dataDir, 'alertmanager-data')}`,
      `--web.listen-address=${alertmanagerAddress}`,
      `--web.external-url=${alertmanagerUrl}`,
      // One Alertmanager: no gossip port to bind.
      '--cluster.listen-address=',
      '--log.level=warn',
    ],
    readyUrl: `${alertmanagerUrl}/-/ready`,
  });
  startup.started('Alertmanager', alertmanagerProcess.stop);

  const prometheusUrl = `http://127.0.0.1:${settings.prometheusPort}`;
  const prometheusConfig = await writePrometheusConfig(path.join(settings.dataDir, 'prometheus.yml'), settings.workerMetrics, alertmanagerAddress);
  const prometheusProcess = await startReadyProcess({
    name: 'Prometheus',
    command: prometheus as string,
    args: [
      `--config.file=${prometheusConfig}`,
      `--storage.tsdb.path=${path.join(settings.dataDir, 'prometheus-data')}`,
      `--web.listen-address=127.0.0.1:${settings.prometheusPort}`,
      '--log.level=warn',
    ],
    readyUrl: `${prometheusUrl}/-/ready`,
  });
  startup.started('Prometheus', prometheusProcess.stop);
  return [`  Prometheus:  ${prometheusUrl}/alerts`, `  Alertmanager: ${alertmanagerUrl}/ (notifications print here as they are sent)`];
}

/** observability/prometheus.yml with this run's targets, and the rules read where they are. */
async function writePrometheusConfig(file: string, workerMetrics: string, alertmanagerAddress: string): Promise<string> {
  const config = parse(readFileSync(path.join(OBSERVABILITY_DIR, 'prometheus.yml'), 'utf8')) as {
    rule_files: string[];
    alerting: unknown;
    scrape_configs: { job_name: string }[];
  };
  config.rule_files = config.rule_files.map((rules) => path.join(OBSERVABILITY_DIR, rules));
  config.alerting = { alertmanagers: [{ static_configs: [{ targets: [alertmanagerAddress] }] }] };
  const target = (job: string, address: string) => ({ ...config.scrape_configs.find((each) => each.job_name === job), job_name: job, static_configs: [{ targets: [address] }] });
  // The dev server's own metrics are not served, so its job is left out.
  config.scrape_configs = [target(WORKER_JOB, workerMetrics), target(ALERTMANAGER_JOB, alertmanagerAddress)];
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `# Generated by devstack/alerting.ts from observability/prometheus.yml for npm start.\n${stringify(config)}`);
  return file;
}

/** Prometheus and Alertmanager report a taken port only in their log; say it the way npm start does. */
async function ensureFree(port: number, setting: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (error) => reject(portFailure(error, setting, port)));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve()));
  });
}
