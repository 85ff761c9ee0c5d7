import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createSocket } from 'node:dgram';
import { connect, createServer } from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Connection } from '@temporalio/client';
import { machineSearchAttributes } from '../workflows/machine/contract';
import { resolveTemporalCli } from './temporal-cli';

export interface DevServerOptions {
  /** gRPC port; 0 or undefined picks a free one. */
  port?: number;
  /** Web UI port (0 picks a free one); undefined runs headless. */
  uiPort?: number;
  /** SQLite file that keeps state across restarts; undefined keeps everything in memory. */
  dbFile?: string;
  /** Created at start; 'default' always exists. */
  namespace?: string;
  /** debug | info | warn | error | never */
  logLevel?: string;
  /** Dynamic config overrides, e.g. { 'limit.maxIDLength': 255 }; values are sent as JSON. */
  dynamicConfig?: Record<string, unknown>;
  /** How long to wait for the namespace to answer before giving up. */
  readyTimeoutMs?: number;
  /** How long stop() waits after SIGTERM before it sends SIGKILL. */
  stopGraceMs?: number;
}

export interface DevServer {
  /** host:port of the gRPC frontend. */
  address: string;
  uiUrl?: string;
  namespace: string;
  pid: number;
  /** Terminates the server and resolves once the process has exited. Safe to call repeatedly. */
  stop(): Promise<void>;
}

export class DevServerStartError extends Error {
  override readonly name = 'DevServerStartError';
}

const HOST = '127.0.0.1';
/**
 * On Linux the kernel sends the server SIGTERM when the process that started it dies, however it
 * dies (kill -9 included), so no dev server outlives `npm start` or a test run. `setpriv` is
 * util-linux's, on every Debian; elsewhere the server is started without it and `stop()` (or the
 * exit hook below) is what ends it.
 */
const SETPRIV = '/usr/bin/setpriv';
const PARENT_DEATH_SIGNAL = existsSync(SETPRIV) ? [SETPRIV, '--pdeathsig', 'TERM', '--'] : [];
const OUTPUT_TAIL_CHARS = 8_000;
const PORT_ATTEMPTS = 3;

/**
 * Starts `temporal server start-dev` with the machine search attributes registered and
 * resolves once a client can describe the namespace.
 */
export async function startDevServer(options: DevServerOptions = {}): Promise<DevServer> {
  const cli = await resolveTemporalCli();
  if (options.dbFile) await mkdir(path.dirname(options.dbFile), { recursive: true });
  // A port picked here can be taken by someone else before the server binds it: pick again.
  const attempts = options.port ? 1 : PORT_ATTEMPTS;
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(cli, options);
    } catch (error) {
      if (!(error instanceof PortTakenError) || attempt >= attempts) throw error;
    }
  }
}

class PortTakenError extends DevServerStartError {}

async function startOnce(cli: string, options: DevServerOptions): Promise<DevServer> {
  const port = options.port || (await findFreePort());
  const uiPort = options.uiPort === 0 ? await findFreePort() : options.uiPort;
  const namespace = options.namespace ?? 'default';
  const address = `${HOST}:${port}`;

  const [command, ...args] = [...PARENT_DEATH_SIGNAL, cli, ...startDevArgs({ ...options, port, uiPort, namespace })];
  const child = spawn(command!, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group: Ctrl-C in a terminal signals the whole foreground group, and the
    // server must outlive the worker's drain (a worker whose server died first retries against
    // nothing); stop() ends it, last.
    detached: true,
  });
  const output = captureTail(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // Spawn failures (ENOENT, EACCES) arrive as 'error' with no 'exit'.
  const spawnFailed = new Promise<Error>((resolve) => child.once('error', resolve));
  const killOnParentExit = (): void => void child.kill('SIGKILL');
  process.once('exit', killOnParentExit);

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= terminate(child, exited, options.stopGraceMs ?? 10_000).finally(() =>
      process.removeListener('exit', killOnParentExit),
    );
    return stopping;
  };

  try {
    await waitUntilReady({
      address,
      namespace,
      timeoutMs: options.readyTimeoutMs ?? 60_000,
      exited,
      spawnFailed,
      output,
      exitDescription: () => `exit code ${child.exitCode}, signal ${child.signalCode}`,
    });
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    address,
    uiUrl: uiPort === undefined ? undefined : `http://${HOST}:${uiPort}`,
    namespace,
    pid: child.pid as number,
    stop,
  };
}

function startDevArgs(options: DevServerOptions & { port: number; namespace: string }): string[] {
  const args = ['server', 'start-dev', '--ip', HOST, '--port', String(options.port)];
  if (options.uiPort === undefined) {
    args.push('--headless');
  } else {
    // No internet on the machines this runs on; the newsfeed request would only fail.
    args.push('--ui-port', String(options.uiPort), '--ui-disable-news-fetch');
  }
  if (options.dbFile) {
    // Without WAL and relaxed syncing every history write fsyncs: persistence gets very slow.
    args.push('--db-filename', options.dbFile, '--sqlite-pragma', 'journal_mode=WAL', '--sqlite-pragma', 'synchronous=NORMAL');
  }
  args.push('--namespace', options.namespace, '--log-level', options.logLevel ?? 'warn');
  for (const attribute of machineSearchAttributes) {
    args.push('--search-attribute', `${attribute.name}=Keyword`);
  }
  for (const [key, value] of Object.entries(options.dynamicConfig ?? {})) {
    args.push('--dynamic-config-value', `${key}=${JSON.stringify(value)}`);
  }
  return args;
}

interface ReadinessWait {
  address: string;
  namespace: string;
  timeoutMs: number;
  exited: Promise<void>;
  spawnFailed: Promise<Error>;
  output: () => string;
  exitDescription: () => string;
}

async function waitUntilReady(wait: ReadinessWait): Promise<void> {
  const deadline = Date.now() + wait.timeoutMs;
  const failure = Promise.race([
    wait.exited.then(() => {
      const output = wait.output();
      const message = `temporal server exited before it was ready (${wait.exitDescription()}):\n${output}`;
      throw output.includes('address already in use') ? new PortTakenError(message) : new DevServerStartError(message);
    }),
    wait.spawnFailed.then((error) => {
      throw new DevServerStartError(`could not run the Temporal CLI: ${error.message}`, { cause: error });
    }),
  ]);
  // Keeps the race's loser from surfacing as an unhandled rejection.
  failure.catch(() => undefined);

  let lastError: unknown;
  while (Date.now() < deadline) {
    const answered = namespaceAnswers(wait.address, wait.namespace).then(
      () => true,
      (error: unknown) => {
        lastError = error;
        return false;
      },
    );
    if (await Promise.race([answered, failure])) return;
    await Promise.race([sleep(100), failure]);
  }
  throw new DevServerStartError(
    `temporal server at ${wait.address} did not answer for namespace ${wait.namespace} within ${wait.timeoutMs} ms ` +
      `(last error: ${lastError instanceof Error ? lastError.message : String(lastError)}):\n${wait.output()}`,
  );
}

async function namespaceAnswers(address: string, namespace: string): Promise<void> {
  // gRPC backs off a full second after a refused connect; a plain TCP probe first keeps start fast.
  await portAccepts(HOST, Number(address.split(':')[1]));
  const connection = await Connection.connect({ address, connectTimeout: 2_000 });
  try {
    await connection.withDeadline(Date.now() + 2_000, () =>
      connection.workflowService.describeNamespace({ namespace }),
    );
  } finally {
    await connection.close();
  }
}

function portAccepts(host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    socket.setTimeout(1_000, () => socket.destroy(new Error(`connect to ${host}:${port} timed out`)));
    socket.once('connect', () => {
      socket.destroy();
      resolve();
    });
    socket.once('error', reject);
  });
}

async function terminate(child: ChildProcess, exited: Promise<void>, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  child.kill('SIGTERM');
  const graceOver = sleep(graceMs, 'grace over' as const, { ref: false });
  if ((await Promise.race([exited, graceOver])) === 'grace over') {
    child.kill('SIGKILL');
    await exited;
  }
}

/** Keeps the last few KB of the server's output for error messages, and keeps the pipes drained. */
function captureTail(child: ChildProcess): () => string {
  let tail = '';
  const append = (chunk: Buffer): void => {
    tail = (tail + chunk.toString('utf8')).slice(-OUTPUT_TAIL_CHARS);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  return () => tail.trimEnd();
}

/**
 * A UDP port no socket holds right now, on any address (the simulated Wake-on-LAN and SNMP devices
 * bind their own loopback addresses): a port free for TCP can be held by some process's UDP socket.
 */
export async function findFreeDatagramPort(): Promise<number> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, '0.0.0.0', resolve);
  });
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

/** A port nothing listens on right now; the OS picks it, so parallel callers get different ones. */
export async function findFreePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, HOST, resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error(`unexpected listen address ${String(address)}`);
  return address.port;
}
