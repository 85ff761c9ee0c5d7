import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applied, healthReport, machineDetail, machinePage, type MachineSummary } from '../../api/response-schemas';
import type { MachineStatus } from '../../workflows/machine/contract';
import { startSimulator, type Simulator } from '../../simulator';
import { startTestWorker, type TestWorker } from '../support/machine-worker';
import { waitFor } from '../support/wait-for';
import { ALWAYS_OFF, ALWAYS_ON, machine, pjlinkDriver } from '../support/specs';
import { expectDocumented, machineFleet, startApi, type ApiUnderTest, type ErrorBody } from './support';

interface Page {
  machines: MachineSummary[];
  nextCursor?: string;
}
interface Health {
  temporal: string;
  worker: string;
}

const EAST = ['api-read-e1', 'api-read-e2', 'api-read-e3'];
const WEST = ['api-read-w1', 'api-read-w2'];
const ALL = [...EAST, ...WEST];
/** Its device refuses connections, so its health turns to failing. */
const BROKEN = 'api-read-w2';
/** The only machine the schedule wants on. */
const OPEN = 'api-read-e1';
const WEB_UI = 'http://127.0.0.1:8233/';

let simulator: Simulator;
let worker: TestWorker;
let api: ApiUnderTest;
let fleet: ReturnType<typeof machineFleet>;

beforeAll(async () => {
  simulator = await startSimulator({
    devices: ALL.map((id) => ({
      id,
      kind: 'pjlink' as const,
      initialPower: 'off' as const,
      warmupMs: 100,
      cooldownMs: 100,
      ...(id === BROKEN ? { fault: { mode: 'refuse' as const } } : {}),
    })),
  });
  worker = await startTestWorker();
  fleet = machineFleet(worker.client, worker.taskQueue);
  api = await startApi({ client: worker.client, taskQueue: worker.taskQueue, webUiBaseUrl: WEB_UI });
  await fleet.start(
    ALL.map((id) =>
      machine(id, pjlinkDriver(simulator.device(id).port), {
        group: EAST.includes(id) ? 'api-read-east' : 'api-read-west',
        schedule: id === OPEN ? ALWAYS_ON : ALWAYS_OFF,
        // One failed check (at start) makes it failing; a slow tick keeps its failure logs few.
        ...(id === BROKEN ? { failingAfter: 1, tickMs: 60_000 } : {}),
      }),
    ),
  );
  await waitFor('visibility to show every machine checked, and the broken one failing', async () => {
    const { machines } = (await api.call<Page>('GET', '/machines')).body;
    return machines.length === ALL.length && machines.every((m) => m.health !== undefined) && machines.some((m) => m.id === BROKEN && m.health === 'failing');
  }, 20_000);
});

afterAll(async () => {
  await fleet?.terminateAll();
  await api?.stop();
  await worker?.stop();
  await simulator?.stop();
});

async function ids(query: string): Promise<string[]> {
  const response = await api.call<Page>('GET', `/machines${query}`);
  expect(response.status).toBe(200);
  return response.body.machines.map((m) => m.id).sort();
}

describe('reading machines', () => {
  it('when machines are listed page by page, then every machine appears exactly once and the last page has no cursor', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const response = await api.call<Page>('GET', `/machines?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(response.status).toBe(200);
      expect(response.body.machines.length).toBeLessThanOrEqual(2);
      seen.push(...response.body.machines.map((m) => m.id));
      cursor = response.body.nextCursor;
      pages++;
    } while (cursor !== undefined && pages < 10);

    expect(seen.sort()).toEqual([...ALL].sort());
    expect(pages).toBeGreaterThanOrEqual(3);
  });

  it('when machines are listed, then each carries its group, power, health, mode and memo', async () => {
    const page = (await api.call<Page>('GET', '/machines')).body;
    const { machines } = page;

    expectDocumented(machinePage, page);

    expect(machines.find((m) => m.id === 'api-read-e2')).toEqual({
      id: 'api-read-e2',
      workflowId: 'machine-api-read-e2',
      name: 'Test machine api-read-e2',
      address: '127.0.0.1',
      driver: 'pjlink',
      group: 'api-read-east',
      desired: 'off',
      observed: 'off',
      health: 'ok',
      mode: 'schedule',
    });
  });

  it('when filters are given, then only matching machines are listed', async () => {
    expect(await ids('?group=api-read-west')).toEqual(WEST);
    expect(await ids('?desired=on')).toEqual([OPEN]);
    expect(await ids('?health=failing')).toEqual([BROKEN]);
    expect(await ids('?group=api-read-east&desired=off')).toEqual(['api-read-e2', 'api-read-e3']);
    expect(await ids('?group=api-read-nowhere')).toEqual([]);
  });

  it('when a machine is overridden, then the mode filter finds it and its status shows the Web UI link and the audit entry with actor and reason', async () => {
    const posted = await api.call<{ machine: MachineStatus; requestId: string }>('POST', '/machines/api-read-e3/override?wait=5s', {
      json: { power: 'off', reason: 'VIP tour', by: 'front of house' },
    });
    expect(posted.status).toBe(200);
    expectDocumented(applied, posted.body);
    await waitFor('visibility to show the override', async () => (await ids('?mode=override')).includes('api-read-e3'));
    expect(await ids('?mode=override')).toEqual(['api-read-e3']);

    const response = await api.call<MachineStatus & { workflowId: string; webUiUrl: string }>('GET', '/machines/api-read-e3');

    expect(response.status).toBe(200);
    expectDocumented(machineDetail, response.body);
    expect(response.body).toMatchObject({ id: 'api-read-e3', group: 'api-read-east', workflowId: 'machine-api-read-e3', mode: 'override' });
    expect(response.body.webUiUrl).toBe('http://127.0.0.1:8233/namespaces/default/workflows/machine-api-read-e3');
    expect(response.body.audit.at(-1)).toMatchObject({
      action: 'override off',
      by: 'front of house',
      reason: 'VIP tour',
      requestId: posted.body.requestId,
    });
  });

  it('when a worker polls the task queue, then /healthz answers 200', async () => {
    const response = await api.call<Health>('GET', '/healthz', { token: null });

    expect(response.status).toBe(200);
    expectDocumented(healthReport, response.body);
    expect(response.body).toMatchObject({ temporal: 'ok', worker: 'ok' });
  });

  it('when no worker polls the task queue, then /healthz answers 503 naming the worker', async () => {
    const lonely = await startApi({ client: worker.client, taskQueue: `api-read-nobody-${randomUUID()}` });
    try {
      const response = await lonely.call<Health & ErrorBody>('GET', '/healthz', { token: null });

      expect(response.status).toBe(503);
      expectDocumented(healthReport, response.body);
      expect(response.body).toMatchObject({ temporal: 'ok', worker: 'no-poller', error: { code: 'unhealthy' } });
    } finally {
      await lonely.stop();
    }
  });
});
