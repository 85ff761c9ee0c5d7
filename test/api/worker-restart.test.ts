import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MachineSummary } from '../../api/response-schemas';
import type { MachineStatus } from '../../workflows/machine/contract';
import { startSimulator, type Simulator } from '../../simulator';
import { startTestWorker, type TestWorker } from '../support/machine-worker';
import { waitFor } from '../support/wait-for';
import { ALWAYS_OFF, machine, pjlinkDriver } from '../support/specs';
import { connectClient } from '../support/temporal';
import { machineFleet, startApi, type ApiUnderTest, type ErrorBody } from './support';

const ID = 'api-restart';

let simulator: Simulator;
let client: Client;
let firstWorker: TestWorker | undefined;
let secondWorker: TestWorker | undefined;
let api: ApiUnderTest;
let fleet: ReturnType<typeof machineFleet>;

beforeAll(async () => {
  simulator = await startSimulator({ devices: [{ id: ID, kind: 'pjlink', initialPower: 'off', warmupMs: 100, cooldownMs: 100 }] });
  // The API's own client: it outlives both workers, as in production.
  client = await connectClient();
  firstWorker = await startTestWorker();
  fleet = machineFleet(client, firstWorker.taskQueue);
  api = await startApi({ client, taskQueue: firstWorker.taskQueue });
});

afterAll(async () => {
  await fleet?.terminateAll();
  await api?.stop();
  await firstWorker?.stop();
  await secondWorker?.stop();
  await client?.connection.close();
  await simulator?.stop();
});

describe('a change sent while no worker runs', () => {
  it('when an override is posted while the worker is stopped, then it is accepted, and applied once a worker polls again', async () => {
    const device = simulator.device(ID);
    const taskQueue = firstWorker!.taskQueue;
    await fleet.start([machine(ID, pjlinkDriver(device.port), { schedule: ALWAYS_OFF })]);
    await waitFor('a first check', async () => (await firstWorker!.status(ID)).lastCheck);
    await firstWorker!.stop();
    firstWorker = undefined;

    const accepted = await api.call<{ requestId: string; status: string }>('POST', `/machines/${ID}/override?wait=2s`, {
      json: { power: 'on', reason: 'signal while the worker is down' },
    });
    expect(accepted.status).toBe(202);
    expect(accepted.body.status).toBe('accepted');

    const unanswered = await api.call<ErrorBody & { machine: MachineSummary }>('GET', `/machines/${ID}`);
    expect(unanswered.status).toBe(503);
    expect(unanswered.body.error.code).toBe('worker_unavailable');
    expect(unanswered.body.machine).toMatchObject({ id: ID, group: 'test', driver: 'pjlink' });
    expect(device.power).toBe('off');

    secondWorker = await startTestWorker({}, { taskQueue });
    const applied = await waitFor('the new worker to apply the override', async () => {
      const response = await api.call<MachineStatus>('GET', `/machines/${ID}`);
      return response.status === 200 && response.body.audit.some((entry) => entry.requestId === accepted.body.requestId) && response.body;
    }, 30_000);
    expect(applied.override).toMatchObject({ power: 'on', by: 'api', reason: 'signal while the worker is down' });
    await waitFor('the device on', () => device.power === 'on', 10_000);
  });
});
