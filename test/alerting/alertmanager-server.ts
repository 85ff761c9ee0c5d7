/** Alertmanager and amtool for the alerting tests: Debian's prometheus-alertmanager, or the official builds. */
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { findFreePort } from '../../devstack/dev-server';
import { startReadyProcess } from '../../devstack/ready-process';
import { ALERTMANAGER_BINARIES, findBinary } from '../../devstack/system-binary';
import type { CommandResult } from '../observability/prometheus-server';

const INSTALL = 'Install it with `sudo apt-get install prometheus-alertmanager` (Debian/Ubuntu; .ci/run does this), or put the official release binaries on the PATH.';

/** Throws, naming the package to install, when no Alertmanager is on the PATH: these tests never skip. */
export function requireAlertmanager(): string {
  const found = findBinary(ALERTMANAGER_BINARIES);
  if (!found) throw new Error(`neither ${ALERTMANAGER_BINARIES.join(' nor ')} is on the PATH. ${INSTALL}`);
  return found;
}

export async function amtool(...args: string[]): Promise<CommandResult> {
  const probe = spawnSync('amtool', ['--version'], { stdio: 'ignore' });
  if (probe.error || probe.status !== 0) throw new Error(`amtool is not on the PATH. ${INSTALL}`);
  try {
    const { stdout, stderr } = await promisify(execFile)('amtool', args, { encoding: 'utf8' });
    return { exitCode: 0, output: stdout + stderr };
  } catch (err) {
    const failed = err as { code?: number | string; stdout?: string; stderr?: string };
    if (typeof failed.code !== 'number') throw err;
    return { exitCode: failed.code, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  }
}

/** The receivers `amtool config routes test` picks for an alert with these labels, in order. */
export async function receiversFor(configFile: string, labels: Record<string, string>): Promise<string[]> {
  const result = await amtool('config', 'routes', 'test', `--config.file=${configFile}`, ...Object.entries(labels).map(([key, value]) => `${key}=${value}`));
  if (result.exitCode !== 0) throw new Error(`amtool config routes test failed:\n${result.output}`);
  const [firstLine = ''] = result.output.split('\n').filter((line) => !line.startsWith('Warning:'));
  return firstLine.trim().split(',');
}

export interface AlertmanagerServer {
  url: string;
  /** host:port, for Prometheus's alerting and scrape configuration. */
  address: string;
  output(): string;
  stop(): Promise<void>;
}

/** Starts Alertmanager on a free loopback port, without its cluster port, and resolves once it is ready. */
export async function startAlertmanager(options: { configFile: string; storageDir: string }): Promise<AlertmanagerServer> {
  const port = await findFreePort();
  const address = `127.0.0.1:${port}`;
  const url = `http://${address}`;
  const server = await startReadyProcess({
    name: 'Alertmanager',
    command: requireAlertmanager(),
    args: [`--config.file=${options.configFile}`, `--storage.path=${options.storageDir}`, `--web.listen-address=${address}`, `--web.external-url=${url}`, '--cluster.listen-address=', '--log.level=warn'],
    readyUrl: `${url}/-/ready`,
  });
  return { url, address, ...server };
}

/** Alertmanager's view of one alert (GET /api/v2/alerts). */
export interface AlertmanagerAlert {
  labels: Record<string, string>;
  status: { state: 'active' | 'suppressed' | 'unprocessed'; inhibitedBy: string[]; silencedBy: string[] };
}

export async function alertsOf(alertmanager: AlertmanagerServer): Promise<AlertmanagerAlert[]> {
  const response = await fetch(`${alertmanager.url}/api/v2/alerts`);
  if (!response.ok) throw new Error(`${alertmanager.url}/api/v2/alerts answered ${response.status}`);
  return (await response.json()) as AlertmanagerAlert[];
}
