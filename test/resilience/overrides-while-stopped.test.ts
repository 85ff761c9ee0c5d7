import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MachineOutcome } from '../../api/response-schemas';
import { loadVenueConfig } from '../../config/load';
import type { WorkerProcess } from '../../harness/processes';
import type { BenchDevice } from '../../harness/venue-files';
import { syncInventory } from '../../fleet/sync';
import { startApi, type ApiUnderTest } from '../api/support';
import { waitFor } from '../support/wait-for';
import { temporalAddress, uniqueTaskQueue } from '../support/temporal';
import { printWorkerOutputOnFailure, startResilienceRun, startWorker, statusesOf, stopResilienceRun, type TestVenue } from './support';

const TICK_MS = 2_000;
/** Every machine starts on, as the schedule wants; the operator then switches them all off. */
const devices: BenchDevice[] = [
  { id: 'ovr-proj-1', kind: 'pjlink', initialPower: 'on', transitionMs: 300 },
  { id: 'ovr-proj-2', kind: 'pjlink', initialPower: 'on', transitionMs: 300 },
  { id: 'ovr-player-1', kind: 'http', initialPower: 'on', transitionMs: 300 },
  { id: 'ovr-player-2', kind: 'http', initialPower: 'on', transitionMs: 300 },
  { id: 'ovr-amp-1', kind: 'tcp', initialPower: 'on', transitionMs: 0 },
  { id: 'ovr-pc-1', kind: 'wol', initialPower: 'on', transitionMs: 300 },
];
/** Overridden one by one; the others through their group (a group is a device kind in the test venue). */
const ONE_BY_ONE = ['ovr-proj-1', 'ovr-proj-2', 'ovr-player-1', 'ovr-player-2'];
const BY_GROUP = ['tcp', 'wol'];

let client: Client;
let venue: TestVenue;
let worker: WorkerProcess | undefined;
let api: ApiUnderTest;
const taskQueue = uniqueTaskQueue('overrides-stopped');

beforeAll(async () => {
  ({ client, venue, worker } = await startResilienceRun(devices, TICK_MS, taskQueue));
  api = await startApi({ client, taskQueue, venue: loadVenueConfig(venue.venueFile) });
}, 240_000);

afterAll(async () => {
  await api?.stop();
  await stopResilienceRun({ client, venue, worker });
});

describe('overrides sent while no worker runs', () => {
  it('when the worker is stopped, overrides are posted through the API and the worker starts again, then every one is applied', async () => {
    printWorkerOutputOnFailure(() => worker);
    await syncInventory(client, { taskQueue, machines: venue.specs });
    await waitFor(
      'every machine in sync',
      async () => [...(await statusesOf(client, venue.specs)).values()].every((status) => status.lastCheck?.outcome === 'in-sync'),
      90_000,
    );
    await worker!.stop();
    worker = undefined;

    const requestIds = new Map<string, string>();
    for (const id of ONE_BY_ONE) {
      const response = await api.call<{ requestId: string; status: string }>('POST', `/machines/${id}/override`, {
        json: { power: 'off', reason: 'closed for an event', by: 'resilience test' },
      });
      expect(response.status, response.text).toBe(202);
      expect(response.body.status).toBe('accepted');
      requestIds.set(id, response.body.requestId);
    }
    for (const group of BY_GROUP) {
      const response = await api.call<{ results: MachineOutcome[] }>('POST', `/groups/${group}/override`, {
        json: { power: 'off', reason: 'closed for an event', by: 'resilience test' },
      });
      expect(response.status, response.text).toBe(200);
      for (const result of response.body.results) {
        expect(result.status, result.machine).toBe('accepted');
        requestIds.set(result.machine, result.requestId!);
      }
    }
    expect([...requestIds.keys()].sort()).toEqual(venue.specs.map((spec) => spec.id).sort());
    const sentAt = Date.now();
    for (const spec of venue.specs) expect(venue.device(spec.id).power, `${spec.id} untouched while no worker runs`).toBe('on');

    worker = await startWorker(venue, temporalAddress(), taskQueue);
    const statuses = await waitFor(
      'every override applied and every device off',
      async () => {
        const current = await statusesOf(client, venue.specs);
        const applied = [...current.values()].every((status) => status.audit.some((entry) => entry.requestId === requestIds.get(status.id)));
        return applied && venue.specs.every((spec) => venue.device(spec.id).power === 'off') && current;
      },
      90_000,
    );

    for (const status of statuses.values()) {
      expect(status.mode, status.id).toBe('override');
      expect(status.override, status.id).toMatchObject({ power: 'off', by: 'resilience test', reason: 'closed for an event' });
      const offCommands = venue.events.filter((event) => event.type === 'command' && event.device === status.id && event.at >= sentAt);
      expect(offCommands.length, `${status.id}: one off command`).toBe(1);
    }
  }, 300_000);
});
