/** The production files in observability/, read (and for a fast Prometheus, rewritten) by the tests. */
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parse, stringify } from 'yaml';

export const OBSERVABILITY_DIR = path.resolve(__dirname, '../../observability');
export const PROMETHEUS_CONFIG = path.join(OBSERVABILITY_DIR, 'prometheus.yml');
export const ALERT_RULES = path.join(OBSERVABILITY_DIR, 'alerts.yml');
export const ALERT_RULE_TESTS = path.join(OBSERVABILITY_DIR, 'alerts.test.yml');
/** The scrape job of the worker; alerts.yml refers to it by this name. */
export const WORKER_JOB = 'show-control-worker';

export interface AlertRule {
  alert: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

interface RuleFile {
  groups: { name: string; rules: AlertRule[] }[];
}

export function readAlertRules(file = ALERT_RULES): AlertRule[] {
  return (parse(readFileSync(file, 'utf8')) as RuleFile).groups.flatMap((group) => group.rules);
}

/** The series the rules read from the worker (ours and the SDK's); `up` comes from Prometheus itself. */
export function workerMetricsUsedByRules(rules: AlertRule[]): string[] {
  const names = rules.flatMap((rule) => rule.expr.match(/\b(?:showctl|temporal)_[a-z0-9_]+/g) ?? []);
  return [...new Set(names)].sort();
}

/** The scrape job of Alertmanager, whose failures NotificationsFailing reads. */
export const ALERTMANAGER_JOB = 'alertmanager';

export interface FastPrometheusOptions {
  dir: string;
  target: string;
  /** host:port of an Alertmanager to send alerts to and scrape; without it, alerts go nowhere. */
  alertmanager?: string;
  /** Replaces every rule's `for:`. */
  ruleFor: string;
  intervalSeconds: number;
}

/**
 * Writes prometheus.yml and its rule files into `dir`, rewritten from the production ones so
 * a test sees an alert within seconds: the given scrape target, 1 s intervals, a short `for:`.
 * Returns the config file's path.
 */
export async function writeFastPrometheusConfig(options: FastPrometheusOptions): Promise<string> {
  const config = parse(readFileSync(PROMETHEUS_CONFIG, 'utf8')) as {
    global: Record<string, string>;
    rule_files: string[];
    alerting?: { alertmanagers: { static_configs: { targets: string[] }[] }[] };
    scrape_configs: { job_name: string; static_configs: { targets: string[] }[] }[];
  };
  const workerJob = config.scrape_configs.find((job) => job.job_name === WORKER_JOB);
  if (!workerJob) throw new Error(`${PROMETHEUS_CONFIG} has no scrape job named ${WORKER_JOB}`);
  const interval = `${options.intervalSeconds}s`;
  config.global = { ...config.global, scrape_interval: interval, evaluation_interval: interval };
  const productionJobs = config.scrape_configs;
  config.scrape_configs = [{ ...workerJob, static_configs: [{ targets: [options.target] }] }];
  // Never the production Alertmanager address: another test's, or a real one, may listen there.
  delete config.alerting;
  if (options.alertmanager) {
    const alertmanagerJob = productionJobs.find((job) => job.job_name === ALERTMANAGER_JOB) ?? { job_name: ALERTMANAGER_JOB, static_configs: [] };
    config.scrape_configs.push({ ...alertmanagerJob, static_configs: [{ targets: [options.alertmanager] }] });
    config.alerting = { alertmanagers: [{ static_configs: [{ targets: [options.alertmanager] }] }] };
  }
  for (const ruleFile of config.rule_files) {
    const rules = parse(readFileSync(path.join(OBSERVABILITY_DIR, ruleFile), 'utf8')) as RuleFile;
    for (const rule of rules.groups.flatMap((group) => group.rules)) rule.for = options.ruleFor;
    await writeFile(path.join(options.dir, ruleFile), stringify(rules));
  }
  const configFile = path.join(options.dir, 'prometheus.yml');
  await writeFile(configFile, stringify(config));
  return configFile;
}
