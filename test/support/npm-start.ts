/**
 * `npm start` as a user runs it from a terminal: its own process group (a terminal's Ctrl-C
 * signals the whole foreground group), every port free, Temporal's SQLite file in a fresh folder.
 * The script's command runs without npm and its `sh -c`: both end themselves with the signal
 * after their child has exited (a shell's convention, status 130), so only the command's own
 * exit status says whether the project stopped cleanly.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { findFreeDatagramPort, findFreePort } from '../../devstack/dev-server';
import { waitFor } from './wait-for';

const ROOT = path.resolve(__dirname, '../..');
/** Bundling the workflows and starting the dev server take seconds, many more on a busy machine. */
const READY_TIMEOUT_MS = 120_000;
const NPM_RELAY_DELAY_MS = 50;

export const DEMO_PORT_SETTINGS = [
  'TEMPORAL_PORT',
  'TEMPORAL_UI_PORT',
  'METRICS_PORT',
  'API_PORT',
  'DEMO_PJLINK_PORT',
  'DEMO_HTTP_PORT',
  'DEMO_TCP_PORT',
  'DEMO_AGENT_PORT',
  'DEMO_WOL_PORT',
  'DEMO_ALERTS_PORT',
  'PROMETHEUS_PORT',
  'ALERTMANAGER_PORT',
  'DEMO_SNMP_PORT',
] as const;
export type DemoPorts = Record<(typeof DEMO_PORT_SETTINGS)[number], number>;
/** The demo devices that listen on UDP: Wake-on-LAN and the SNMP PDU. */
const DATAGRAM_PORTS = new Set<string>(['DEMO_WOL_PORT', 'DEMO_SNMP_PORT']);

export interface NpmStart {
  child: ChildProcess;
  ports: DemoPorts;
  /** A client of the dev server it started. */
  client: Client;
  /** Everything it printed so far, stdout and stderr interleaved. */
  output(): string;
  /** The pids of every process of the run alive now: npm start's own and what it started. */
  processes(): number[];
  /** Ctrl-C under npm: SIGINT to the process group, twice; resolves with how it exited and what it printed after. */
  interrupt(): Promise<{ code: number | null; signal: NodeJS.Signals | null; afterMs: number; printedAfter: string }>;
  /** The client closed, SIGKILL to the group if it still runs, the data folder removed. */
  cleanUp(): Promise<void>;
}

/**
 * Set in the environment of every `npm start` a test runs; every process it starts inherits it
 * (the dev server too), so the process table tells which of them are still alive.
 */
const RUN_MARK = 'SHOWCTL_TEST_RUN';
/** A dev server ends within 1-1.5 s of SIGTERM, measured; more on a busy machine. */
const PROCESSES_GONE_WITHIN_MS = 15_000;

/** Processes whose environment carries the run's mark; a process whose environment cannot be read is gone or not ours. */
function processesMarked(mark: string): number[] {
  const needle = `${RUN_MARK}=${mark}\0`;
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        return `${readFileSync(`/proc/${pid}/environ`, 'latin1')}\0`.includes(needle);
      } catch {
        return false;
      }
    })
    .map(Number);
}

/** The processes of the run still alive once the start has had time to stop them. */
async function processesLeftBehind(mark: string): Promise<number[]> {
  try {
    return await waitFor('every process of the run to end', () => processesMarked(mark).length === 0 && [], PROCESSES_GONE_WITHIN_MS);
  } catch {
    return processesMarked(mark);
  }
}

interface Spawned {
  child: ChildProcess;
  ports: DemoPorts;
  /** The value of RUN_MARK in its environment. */
  mark: string;
  dataDir: string;
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

type EnvFor = (ports: DemoPorts) => Record<string, string> | Promise<Record<string, string>>;

async function spawnNpmStart(envFor: EnvFor, script = 'start'): Promise<Spawned> {
  const ports = Object.fromEntries(
    await Promise.all(DEMO_PORT_SETTINGS.map(async (name) => [name, DATAGRAM_PORTS.has(name) ? await findFreeDatagramPort() : await findFreePort()] as const)),
  ) as DemoPorts;
  const env = await envFor(ports);
  const dataDir = mkdtempSync(path.join(tmpdir(), 'show-control-start-'));
  const mark = randomUUID();
  const inherited: NodeJS.ProcessEnv = { ...process.env };
  for (const name of ['TEMPORAL_ADDRESS', 'VENUE_CONFIG', 'SHOWCTL_SECRETS_FILE', 'DEMO_TICK', 'API_HOST', 'API_TOKEN']) delete inherited[name];
  const { scripts } = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  const [command, ...args] = scripts[script]!.split(' ');
  const child = spawn(command!, args, {
    cwd: ROOT,
    env: {
      ...inherited,
      ...Object.fromEntries(Object.entries(ports).map(([name, port]) => [name, String(port)])),
      TEMPORAL_DB_FILE: path.join(dataDir, 'temporal.sqlite'),
      ...env,
      [RUN_MARK]: mark,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return { child, ports, mark, dataDir, output: () => output, exited };
}

/**
 * `npm start` (or another npm script) expected to fail: resolves once it has exited (or after
 * `timeoutMs`, then killed), with what it printed, the ports it was given (`env` sees them, to take
 * one away) and the pids of any process it started that outlived it.
 */
export async function npmStartFailure(envFor: EnvFor, timeoutMs: number, script = 'start') {
  const spawned = await spawnNpmStart(envFor, script);
  const { ports } = spawned;
  const startedAt = Date.now();
  const timedOut = sleep(timeoutMs, 'timed out' as const, { ref: false });
  const ended = await Promise.race([spawned.exited, timedOut]);
  const ms = Date.now() - startedAt;
  if (ended === 'timed out') process.kill(-(spawned.child.pid as number), 'SIGKILL');
  const leftBehind = await processesLeftBehind(spawned.mark);
  rmSync(spawned.dataDir, { recursive: true, force: true });
  return { ...(ended === 'timed out' ? { code: null, signal: null } : ended), ms, output: spawned.output(), ports, leftBehind };
}

export async function startNpmStart(env: Record<string, string> = {}): Promise<NpmStart> {
  const { child, ports, mark, dataDir, output: printed, exited } = await spawnNpmStart(() => env);
  await waitFor('npm start to be ready', () => printed().includes('ready;') || child.exitCode !== null, READY_TIMEOUT_MS);
  if (!printed().includes('ready;')) throw new Error(`npm start exited before it was ready:\n${printed()}`);
  const connection = await Connection.connect({ address: `127.0.0.1:${ports.TEMPORAL_PORT}` });

  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-(child.pid as number), signal);
    } catch {
      // The group is gone already.
    }
  };
  return {
    child,
    ports,
    client: new Client({ connection }),
    output: printed,
    processes: () => processesMarked(mark),
    async interrupt() {
      const printedBefore = printed().length;
      const sentAt = Date.now();
      signalGroup('SIGINT');
      // npm relays the terminal's signal to its child: the process gets a second one at once.
      setTimeout(() => signalGroup('SIGINT'), NPM_RELAY_DELAY_MS);
      const { code, signal } = await exited;
      return { code, signal, afterMs: Date.now() - sentAt, printedAfter: printed().slice(printedBefore) };
    },
    async cleanUp() {
      await connection.close();
      if (child.exitCode === null && child.signalCode === null) signalGroup('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Whether something accepts connections on the port. */
export function isListening(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
