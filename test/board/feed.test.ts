import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ChangesEvent, SnapshotEvent } from '../../api/board/feed';
import { machineWorkflowId } from '../../fleet/machines';
import { call, quietLog, startApi, TOKEN, type ApiUnderTest } from '../api/support';
import { waitFor } from '../support/wait-for';
import { connectClient, uniqueTaskQueue } from '../support/temporal';
import { readEvents, type EventReader } from './event-reader';
import { seedMachines } from './seed';

const PAGE_DIR = path.resolve(__dirname, '../../api/board/page');
const AUTH = { authorization: `Bearer ${TOKEN}` };

let client: Client;
let api: ApiUnderTest;
const taskQueue = uniqueTaskQueue('board-feed');
const seeded: string[] = [];
const readers: EventReader[] = [];

/** Machine workflows that no worker runs: visibility lists them with the attributes set at start. */
async function seed(count: number, label: string): Promise<string[]> {
  const ids = await seedMachines(client, { taskQueue, count, idPrefix: `feed-${label}-${randomUUID().slice(0, 8)}-` });
  seeded.push(...ids);
  return ids;
}

async function open(headers: Record<string, string> = AUTH, url = api.url): Promise<EventReader> {
  const reader = await readEvents(url, headers);
  readers.push(reader);
  return reader;
}

beforeAll(async () => {
  client = await connectClient();
  api = await startApi({ client, taskQueue, webUiBaseUrl: 'http://127.0.0.1:8233/' });
});

afterEach(() => {
  for (const reader of readers.splice(0)) reader.close();
});

afterAll(async () => {
  await Promise.allSettled(seeded.map((id) => client.workflow.getHandle(machineWorkflowId(id)).terminate('test finished')));
  await api?.stop();
  await client?.connection.close();
});

describe('the status board event stream', () => {
  it('when a board connects without the token, then it gets 401 and no stream', async () => {
    const response = await call(api.url, 'GET', '/board/events', { token: null });

    expect(response.status).toBe(401);
    expect(response.body).toMatchObject({ error: { code: 'unauthorized' } });
  });

  it('when machines run, then a board first gets a snapshot with the Web UI base, then every change after a sweep', async () => {
    const [first, second, third] = await seed(3, 'list');
    const reader = await open();
    await reader.until('the seeded machines', (machines) => [first, second, third].every((id) => machines.has(id as string)));

    expect(reader.status).toBe(200);
    expect(reader.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(reader.events[0]?.type).toBe('snapshot');
    expect(reader.events[0]?.data).toMatchObject({ webUiWorkflowsUrl: 'http://127.0.0.1:8233/namespaces/default/workflows/' });
    expect(reader.machines.get(first as string)).toMatchObject({
      workflowId: machineWorkflowId(first as string),
      group: 'zone-001',
      name: 'Projector 1',
      health: 'failing',
      mode: 'schedule',
    });

    const [added] = await seed(1, 'added');
    await client.workflow.getHandle(machineWorkflowId(third as string)).terminate('retired in the test');
    await reader.until('the added machine in, the terminated one out', (machines) => machines.has(added as string) && !machines.has(third as string));

    const later = reader.events.slice(1);
    expect(later.map((event) => event.type)).not.toContain('snapshot');
    expect(later.some((event) => (event.data as ChangesEvent).removed.includes(third as string))).toBe(true);
    // A quiet sweep still reports itself, so the page can tell live from stalled.
    const seen = reader.events.length;
    await reader.until('a sweep without changes', () =>
      reader.events.slice(seen).some(({ type, data }) => type === 'changes' && (data as ChangesEvent).upserts.length + (data as ChangesEvent).removed.length === 0),
    );
  });

  it('when the client accepts gzip, then the stream is compressed and carries the same events', async () => {
    const [id] = await seed(1, 'gzip');
    const reader = await open({ ...AUTH, 'accept-encoding': 'gzip' });
    await reader.until('the seeded machine', (machines) => machines.has(id as string));

    expect(reader.headers['content-encoding']).toBe('gzip');
    expect((reader.events[0]?.data as SnapshotEvent).machines.length).toBeGreaterThan(0);
  });

  it('when the API starts, then it lists the machines before any board connects, so the first board is not kept waiting', async () => {
    const [id] = await seed(1, 'warm');
    const said: string[] = [];
    const own = await startApi({ client, taskQueue, log: { ...quietLog, info: (message) => void said.push(message) } });
    try {
      await waitFor('the start-up listing', () => said.some((message) => message.startsWith('status board: ready')));
      const connectedMs = Date.now();
      const reader = await open(AUTH, own.url);
      await reader.until('a first snapshot', () => reader.events.length > 0);

      const first = reader.events[0]?.data as SnapshotEvent;
      expect(reader.events[0]?.type).toBe('snapshot');
      // Swept before this board asked: it was sent what the API already held.
      expect(first.sweptAtMs).toBeLessThan(connectedMs);
      expect(first.machines.map((machine) => machine.id)).toContain(id);
    } finally {
      await own.stop();
    }
  });

  it('when the API stops, then its open streams end and stop does not wait for them', async () => {
    const own = await startApi({ client, taskQueue });
    const reader = await open(AUTH, own.url);
    await reader.until('a first snapshot', () => reader.events.length > 0);

    const stopping = Date.now();
    await own.stop();
    await reader.ended;

    // Below the API's 3 s grace for requests: the stream was ended, not cut off.
    expect(Date.now() - stopping).toBeLessThan(2_500);
  });
});

describe('the status board page', () => {
  it('when / is opened without a token, then the page comes with a policy that runs only its own scripts', async () => {
    const response = await call<string>(api.url, 'GET', '/', { token: null });

    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/html/);
    expect(response.headers['content-security-policy']).toContain("script-src 'self'");
    expect(response.headers['content-security-policy']).toContain("default-src 'none'");
    expect(response.text).toContain('<script type="module" src="board/ui-main.js">');
  });

  it('when the page and its modules reference files, then each is served, and nothing else in the folder is', async () => {
    const page = await readFile(path.join(PAGE_DIR, 'index.html'), 'utf8');
    const referenced = new Set([...page.matchAll(/(?:src|href)="board\/([^"]+)"/g)].map((match) => match[1] as string));
    for (const module of [...referenced].filter((file) => file.endsWith('.js'))) {
      const source = await readFile(path.join(PAGE_DIR, module), 'utf8');
      for (const match of source.matchAll(/from '\.\/([^']+)'/g)) referenced.add(match[1] as string);
    }

    for (const file of referenced) {
      const response = await call(api.url, 'GET', `/board/${file}`, { token: null });
      expect(response.status, file).toBe(200);
    }
    for (const hidden of ['feed.ts', 'routes.ts', 'routes.js', 'index.html.bak', '..%2Fapp.ts', '%2e%2e/app.ts']) {
      const response = await call(api.url, 'GET', `/board/${hidden}`, { token: null });
      expect(response.status, hidden).toBe(404);
    }
  });
});
