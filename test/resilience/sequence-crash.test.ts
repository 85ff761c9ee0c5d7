/**
 * A power sequence survives a worker killed in the middle of it: the rack is on, the mixer has been
 * switched on and is warming up, the amplifiers wait for it. The restarted worker finishes the
 * sequence in order, and no device is switched twice. The simulated devices' logs are the witness.
 */
import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkerProcess } from '../../harness/processes';
import type { BenchDevice } from '../../harness/venue-files';
import { syncInventory } from '../../fleet/sync';
import { waitFor } from '../support/wait-for';
import { temporalAddress, uniqueTaskQueue } from '../support/temporal';
import { printWorkerOutputOnFailure, startResilienceRun, startWorker, statusOf, stopResilienceRun, type TestVenue } from './support';

const TICK_MS = 2_000;
/** Long enough for the kill to land while the mixer warms up and the amplifiers wait for it. */
const MIXER_WARMUP_MS = 4_000;
const devices: BenchDevice[] = [
  { id: 'seq-rack', kind: 'tcp', initialPower: 'off', transitionMs: 0 },
  { id: 'seq-mixer', kind: 'pjlink', initialPower: 'off', transitionMs: MIXER_WARMUP_MS },
  { id: 'seq-amp-1', kind: 'tcp', initialPower: 'off', transitionMs: 0 },
  { id: 'seq-amp-2', kind: 'tcp', initialPower: 'off', transitionMs: 0 },
];
const needs = { 'seq-mixer': ['seq-rack'], 'seq-amp-1': ['seq-mixer'], 'seq-amp-2': ['seq-mixer'] };
const AMPS = ['seq-amp-1', 'seq-amp-2'];

let client: Client;
let venue: TestVenue;
let worker: WorkerProcess | undefined;
const taskQueue = uniqueTaskQueue('sequence-crash');

beforeAll(async () => {
  ({ client, venue, worker } = await startResilienceRun(devices, TICK_MS, taskQueue, {}, { needs, recheckMs: 1_000 }));
}, 240_000);

afterAll(() => stopResilienceRun({ client, venue, worker }));

/** The switch-on commands a device accepted or refused, with when it saw each. */
function switchedOn(id: string): { at: number; command: string }[] {
  return venue.device(id).commands.filter((entry) => /^(POWER ON|POWR 1|ERR\d? ?POWR 1)$/.test(entry.command));
}

describe('a worker killed in the middle of a power sequence', () => {
  it('when the worker is killed while the mixer warms up, then the restarted worker finishes the sequence in order and switches nothing twice', async () => {
    printWorkerOutputOnFailure(() => worker);
    await syncInventory(client, { taskQueue, machines: venue.specs });

    // The mixer's command is recorded in its workflow (not merely on the wire) and the amplifiers wait.
    await waitFor('the mixer switched on and warming', async () => venue.device('seq-mixer').power === 'warming' && (await statusOf(client, 'seq-mixer')).commandsSent === 1, 60_000);
    const waiting = await statusOf(client, 'seq-amp-1');
    expect(waiting.dependencies?.waitingFor).toEqual(['seq-mixer']);
    expect(venue.device('seq-amp-1').power).toBe('off');
    await worker!.kill();
    worker = undefined;

    await new Promise((resolve) => setTimeout(resolve, MIXER_WARMUP_MS));
    expect(AMPS.map((id) => venue.device(id).power), 'nothing switches the amplifiers while no worker runs').toEqual(['off', 'off']);
    worker = await startWorker(venue, temporalAddress(), taskQueue);
    await waitFor('every amplifier on', () => AMPS.every((id) => venue.device(id).power === 'on'), 90_000);

    for (const id of ['seq-rack', 'seq-mixer', ...AMPS]) expect(switchedOn(id), `${id} switched on once`).toHaveLength(1);
    const at = (id: string) => switchedOn(id)[0]!.at;
    expect(at('seq-rack')).toBeLessThan(at('seq-mixer'));
    for (const id of AMPS) expect(at(id), `${id} after the mixer is up`).toBeGreaterThan(at('seq-mixer') + MIXER_WARMUP_MS);
  });
});
