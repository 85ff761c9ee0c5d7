import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../simulator';
import { machineWorkflowId } from '../../fleet/machines';
import { syncInventory } from '../../fleet/sync';
import { statusQuery } from '../../workflows/machine/contract';
import { startTestWorker, type TestWorker } from '../support/machine-worker';
import { waitFor } from '../support/wait-for';
import { ALWAYS_OFF, machine, pjlinkDriver } from '../support/specs';

let simulator: Simulator;
let worker: TestWorker;

beforeAll(async () => {
  simulator = await startSimulator({
    devices: [
      { id: 'sync-a', kind: 'pjlink', initialPower: 'off' },
      { id: 'sync-b', kind: 'pjlink', initialPower: 'off' },
    ],
  });
  worker = await startTestWorker();
});

afterAll(async () => {
  await worker?.stop();
  await simulator?.stop();
});

describe('inventory sync', () => {
  it('when the configuration adds, changes and removes machines, then sync starts, updates and retires their workflows', async () => {
    const a = machine('sync-a', pjlinkDriver(simulator.device('sync-a').port), { schedule: ALWAYS_OFF });
    const b = machine('sync-b', pjlinkDriver(simulator.device('sync-b').port), { schedule: ALWAYS_OFF });
    const sync = (machines: typeof a[]) => syncInventory(worker.client, { taskQueue: worker.taskQueue, machines });

    expect(await sync([a, b])).toEqual({ started: ['sync-a', 'sync-b'], updated: [], unchanged: [], retired: [] });

    const unchanged = await waitFor('visibility to list both', async () => {
      const report = await sync([a, b]);
      return report.unchanged.length === 2 && report;
    });
    expect(unchanged).toEqual({ started: [], updated: [], unchanged: ['sync-a', 'sync-b'], retired: [] });

    const renamed = { ...b, name: 'Renamed projector' };
    expect(await sync([a, renamed])).toEqual({ started: [], updated: ['sync-b'], unchanged: ['sync-a'], retired: [] });
    const bHandle = worker.client.workflow.getHandle(machineWorkflowId('sync-b'));
    await waitFor('the new name in the workflow', async () => (await bHandle.query(statusQuery)).name === 'Renamed projector');
    await waitFor('the memo to carry the new config', async () => {
      const report = await sync([a, renamed]);
      return report.unchanged.length === 2;
    });

    expect(await sync([renamed])).toEqual({ started: [], updated: [], unchanged: ['sync-b'], retired: ['sync-a'] });
    const retired = await worker.client.workflow.getHandle(machineWorkflowId('sync-a')).result();
    expect(retired).toMatchObject({ id: 'sync-a', by: 'inventory sync', reason: 'removed from the venue configuration' });
    await waitFor('visibility to drop the retired machine', async () => {
      const report = await sync([renamed]);
      return report.retired.length === 0 && report.unchanged.length === 1;
    });
  });

  // A quote only: the dev server's visibility matches no value holding a backslash, however it is escaped.
  it('when the task queue name holds a quote, then sync lists the machines it started there and starts none twice', async () => {
    const taskQueue = `${worker.taskQueue}-o'neil`;
    const spec = machine('sync-quoted', pjlinkDriver(simulator.device('sync-a').port), { schedule: ALWAYS_OFF });
    const sync = () => syncInventory(worker.client, { taskQueue, machines: [spec] });
    try {
      expect((await sync()).started).toEqual(['sync-quoted']);

      const listed = await waitFor('visibility to list it', async () => {
        const report = await sync();
        return report.unchanged.length === 1 && report;
      });
      expect(listed).toEqual({ started: [], updated: [], unchanged: ['sync-quoted'], retired: [] });
    } finally {
      await worker.client.workflow.getHandle(machineWorkflowId('sync-quoted')).terminate('test finished');
    }
  });
});
