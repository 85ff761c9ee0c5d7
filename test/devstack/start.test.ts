import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findFreePort } from '../../devstack/dev-server';
import { statusQuery, type MachineStatus } from '../../workflows/machine';
import { waitFor } from '../support/machine-worker';

const ROOT = path.resolve(__dirname, '../..');
const DEMO_MACHINES = 22;
const FAULTY = ['proj-07', 'player-07'];

let start: ChildProcess;
let output = '';
let ports: {
  TEMPORAL_PORT: number;
  TEMPORAL_UI_PORT: number;
  METRICS_PORT: number;
  API_PORT: number;
  DEMO_PJLINK_PORT: number;
  DEMO_HTTP_PORT: number;
  DEMO_TCP_PORT: number;
  DEMO_AGENT_PORT: number;
  DEMO_WOL_PORT: number;
};
let dataDir: string;
let connection: Connection;
let client: Client;

/** `npm start` as a user runs it, on free ports, with a 2 s tick so ticks pass quickly. */
beforeAll(async () => {
  ports = {
    TEMPORAL_PORT: await findFreePort(),
    TEMPORAL_UI_PORT: await findFreePort(),
    METRICS_PORT: await findFreePort(),
    API_PORT: await findFreePort(),
    DEMO_PJLINK_PORT: await findFreePort(),
    DEMO_HTTP_PORT: await findFreePort(),
    DEMO_TCP_PORT: await findFreePort(),
    DEMO_AGENT_PORT: await findFreePort(),
    DEMO_WOL_PORT: await findFreePort(),
  };
  dataDir = mkdtempSync(path.join(tmpdir(), 'show-control-start-'));
  const env: NodeJS.ProcessEnv = { ...process.env, ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])) };
  for (const name of ['TEMPORAL_ADDRESS', 'VENUE_CONFIG', 'SHOWCTL_SECRETS_FILE']) delete env[name];
  start = spawn(process.execPath, ['--import', 'tsx', 'devstack/start.ts'], {
    cwd: ROOT,
    env: { ...env, DEMO_TICK: '2s', TEMPORAL_DB_FILE: path.join(dataDir, 'temporal.sqlite') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  start.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  start.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await waitFor('npm start to be ready', () => output.includes('ready;') || start.exitCode !== null, 60_000);
  expect(output, output).toContain('ready;');
  connection = await Connection.connect({ address: `127.0.0.1:${ports.TEMPORAL_PORT}` });
  client = new Client({ connection });
});

afterAll(async () => {
  await connection?.close();
  if (start && start.exitCode === null) start.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

async function statuses(): Promise<MachineStatus[]> {
  const ids: string[] = [];
  for await (const info of client.workflow.list({ query: `ExecutionStatus = 'Running'` })) ids.push(info.workflowId);
  return Promise.all(ids.map((id) => client.workflow.getHandle(id).query(statusQuery)));
}

describe('npm start (the demo venue)', () => {
  it('when it starts, then it prints where the Web UI, Temporal and the metrics are', () => {
    expect(output).toContain(`Web UI:      http://127.0.0.1:${ports.TEMPORAL_UI_PORT}/namespaces/default/workflows`);
    expect(output).toContain(`Temporal:    127.0.0.1:${ports.TEMPORAL_PORT}`);
    expect(output).toContain(`metrics:     http://127.0.0.1:${ports.METRICS_PORT}/metrics`);
    expect(output).toContain(`${DEMO_MACHINES} started`);
  });

  it('when it runs, then there is one running workflow per demo machine, and the faulty ones fail with readable messages', async () => {
    const failures = await waitFor('both faulty machines to have failed checks', async () => {
      const all = await statuses();
      const failed = all.filter((s) => FAULTY.includes(s.id) && s.lastCheck?.outcome === 'failed');
      return all.length === DEMO_MACHINES && failed.length === FAULTY.length && failed;
    }, 30_000);
    const messages = Object.fromEntries(failures.map((s) => [s.id, s.lastCheck?.failure]));
    expect(messages['proj-07']).toMatchObject({ type: 'DeviceTimeoutError' });
    expect(messages['proj-07']?.message).toMatch(/^proj-07 ".*" at 127\.0\.10\.7:\d+: no reply within 3000 ms at step "read greeting" \(elapsed \d+ ms\)$/);
    expect(messages['player-07']).toMatchObject({ type: 'DeviceUnreachableError' });
    expect(messages['player-07']?.message).toContain('connection refused');
  });

  it('when the devices have had time to warm up and boot, then every healthy machine is in its scheduled state', async () => {
    const healthy = await waitFor('every healthy machine observed in its desired state', async () => {
      const all = (await statuses()).filter((s) => !FAULTY.includes(s.id));
      return all.length === DEMO_MACHINES - FAULTY.length && all.every((s) => s.observed?.power === s.desired) && all;
    }, 60_000);
    expect(new Set(healthy.map((s) => s.desired))).toEqual(new Set(['on', 'off']));
  });

  it('when it gets Ctrl-C, then it stops the worker, the simulator and the dev server, and exits 0', async () => {
    const exited = new Promise<number | null>((resolve) => start.once('exit', (code) => resolve(code)));
    start.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(await isListening(ports.TEMPORAL_PORT)).toBe(false);
    expect(await isListening(ports.DEMO_PJLINK_PORT, '127.0.10.1')).toBe(false);
  });
});

function isListening(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
