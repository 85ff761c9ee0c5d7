/** The Prometheus and promtool binaries from Debian's `prometheus` package, for the observability tests. */
import { execFile, spawn, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { findFreePort } from '../../devstack/dev-server';

const OUTPUT_TAIL_CHARS = 4000;

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
  const child = spawn(
    requireBinary('prometheus'),
    [
      `--config.file=${options.configFile}`,
      `--storage.tsdb.path=${options.storageDir}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const keepTail = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-OUTPUT_TAIL_CHARS);
  };
  child.stdout.on('data', keepTail);
  child.stderr.on('data', keepTail);
  let ended = false;
  // Spawn failures arrive as 'error' with no 'exit'.
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', (err) => {
      output += `\n${err.message}`;
      resolve();
    });
  }).then(() => {
    ended = true;
  });
  const killOnParentExit = () => void child.kill('SIGKILL');
  process.once('exit', killOnParentExit);

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      process.off('exit', killOnParentExit);
      if (!ended) {
        child.kill('SIGTERM');
        const forced = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(forced);
      }
    })();
    return stopping;
  };

  const deadline = Date.now() + (options.readyTimeoutMs ?? 30_000);
  for (;;) {
    if (ended) {
      await stop();
      throw new Error(`prometheus exited before it was ready:\n${output}`);
    }
    if (await isReady(url)) return { url, stop };
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`prometheus was not ready at ${url} within the deadline:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function isReady(url: string): Promise<boolean> {
  try {
    return (await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(1000) })).ok;
  } catch {
    return false;
  }
}
