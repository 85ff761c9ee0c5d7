/** The Prometheus and promtool binaries from Debian's `prometheus` package, for the observability tests. */
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { findFreePort } from '../../devstack/dev-server';
import { startReadyProcess } from '../../devstack/ready-process';

/** Throws, naming the package to install, when `binary` is not on the PATH: these tests never skip. */
export function requireBinary(binary: 'prometheus' | 'promtool'): string {
  const probe = spawnSync(binary, ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    throw new Error(
      `${binary} is not on the PATH (${probe.error?.message ?? `exit ${probe.status}`}). ` +
        'Install it with `sudo apt-get install prometheus` (Debian/Ubuntu; .ci/run does this), ' +
        'or put the official release binaries on the PATH.',
    );
  }
  return binary;
}

export interface CommandResult {
  exitCode: number;
  output: string;
}

/** Runs promtool; the result carries stdout and stderr together, for assertion messages. */
export async function promtool(...args: string[]): Promise<CommandResult> {
  try {
    const { stdout, stderr } = await promisify(execFile)(requireBinary('promtool'), args, { encoding: 'utf8' });
    return { exitCode: 0, output: stdout + stderr };
  } catch (err) {
    const failed = err as { code?: number | string; stdout?: string; stderr?: string; message: string };
    if (typeof failed.code !== 'number') throw err;
    return { exitCode: failed.code, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  }
}

export interface PrometheusServer {
  url: string;
  /** Stops the process (SIGTERM, then SIGKILL after 5 s); resolves once it exited. Idempotent. */
  stop(): Promise<void>;
}

/** Starts `prometheus` on a free loopback port and resolves once it reports ready. */
export async function startPrometheus(options: { configFile: string; storageDir: string; readyTimeoutMs?: number }): Promise<PrometheusServer> {
  const port = await findFreePort();
  const url = `http://127.0.0.1:${port}`;
  const server = await startReadyProcess({
    name: 'Prometheus',
    command: requireBinary('prometheus'),
    args: [`--config.file=${options.configFile}`, `--storage.tsdb.path=${options.storageDir}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'],
    readyUrl: `${url}/-/ready`,
    readyTimeoutMs: options.readyTimeoutMs,
  });
  return { url, stop: server.stop };
}
