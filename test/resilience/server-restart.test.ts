import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkerProcess } from '../../harness/processes';
import type { BenchDevice } from '../../harness/venue-files';
import { findFreePort, startDevServer, type DevServer } from '../../devstack/dev-server';
import { machineWorkflowId } from '../../fleet/machines';
import { syncInventory } from '../../fleet/sync';
import { waitFor } from '../support/wait-for';
import { uniqueTaskQueue } from '../support/temporal';
import { startTestVenue, startWorker, statusesOf, type TestVenue } from './support';

const TICK_MS = 2_000;
/** Long enough for timers to come due while the server is away. */
const DOWNTIME_MS = 3 * TICK_MS;
const devices: BenchDevice[] = [
  { id: 'restart-proj', kind: 'pjlink', initialPower: 'off', transitionMs: 300 },
  { id: 'restart-player', kind: 'http', initialPower: 'on', transitionMs: 300 },
  { id: 'restart-amp', kind: 'tcp', initialPower: 'off', transitionMs: 0 },
  { id: 'restart-pc', kind: 'wol', initialPower: 'on', transitionMs: 300 },
];
/** Switched off while the server is down: the machine must be brought back once it is up again. */
const DRIFTED = 'restart-player';

let dataDir: string;
let port: number;
let server: DevServer | undefined;
let venue: TestVenue;
let worker: WorkerProcess | undefined;
const connections: Connection[] = [];
const taskQueue = uniqueTaskQueue('server-restart');

async function connect(): Promise<Client> {
  const connection = await Connection.connect({ address: `127.0.0.1:${port}` });
  connections.push(connection);
  return new Client({ connection });
}

/** Each machine workflow's first run of its chain (continue-as-new keeps it) and its status. */
async function chainsOf(client: Client): Promise<Record<string, string>> {
  const chains: Record<string, string> = {};
  for (const spec of venue.specs) {
    const description = await client.workflow.getHandle(machineWorkflowId(spec.id)).describe();
    chains[spec.id] = `${description.raw.workflowExecutionInfo?.firstRunId ?? ''} ${description.status.name}`;
  }
  return chains;
}

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'showctl-server-restart-'));
  port = await findFreePort();
  server = await startDevServer({ port, dbFile: path.join(dataDir, 'temporal.sqlite') });
  venue = await startTestVenue(devices, TICK_MS);
  worker = await startWorker(venue, server.address, taskQueue);
}, 240_000);

afterAll(async () => {
  await worker?.kill();
  await Promise.all(connections.map((connection) => connection.close()));
  await server?.stop();
  await venue?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe('the Temporal dev server restarts with its SQLite file', () => {
  it('when it comes back on the same port, then the running worker reconnects and every workflow resumes on its own', async () => {
    const client = await connect();
    await syncInventory(client, { taskQueue, machines: venue.specs });
    await waitFor(
      'every machine in sync',
      async () => [...(await statusesOf(client, venue.specs)).values()].every((status) => status.lastCheck?.outcome === 'in-sync'),
      90_000,
    );
    const chainsBefore = await chainsOf(client);
    const workerPid = worker!.child.pid;

    await server!.stop();
    venue.device(DRIFTED).setPower('off');
    await new Promise((resolve) => setTimeout(resolve, DOWNTIME_MS));
    server = await startDevServer({ port, dbFile: path.join(dataDir, 'temporal.sqlite') });
    const restartedAt = Date.now();

    const reconnected = await connect();
    const statuses = await waitFor(
      'two checks of every machine after the restart, and the drifted one on again',
      async () => {
        const current = await statusesOf(reconnected, venue.specs);
        const resumed = [...current.values()].every((status) => (status.lastCheck?.atMs ?? 0) > restartedAt + TICK_MS);
        return resumed && venue.device(DRIFTED).power === 'on' && current;
      },
      120_000,
    );

    expect(worker!.child.running, 'the worker outlived the server restart').toBe(true);
    expect(worker!.child.pid).toBe(workerPid);
    expect(await chainsOf(reconnected)).toEqual(chainsBefore);
    for (const status of statuses.values()) expect(status.lastCheck?.outcome, status.id).toMatch(/in-sync|commanded/);
  }, 300_000);
});
