import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deviceCallDeadlineMs } from '../../activities/drivers/specs';
import { deviceActivityOf } from '../../harness/device-events';
import { sampleProcess, type ProcessSample } from '../../harness/proc';
import type { WorkerProcess } from '../../harness/processes';
import { requestRuntimeSample, type RuntimeSample } from '../../harness/runtime-sample';
import type { BenchDevice } from '../../harness/venue-files';
import { syncInventory } from '../../fleet/sync';
import { waitFor } from '../support/wait-for';
import { uniqueTaskQueue } from '../support/temporal';
import { startResilienceRun, statusesOf, stopResilienceRun, type TestVenue } from './support';

const TICK_MS = 1_000;
const MEASURED_MS = 40_000;
/**
 * What many calls to these devices may cost the worker's heap at most. A call holds at most its
 * reply cap (4 KB to 64 KB) plus one socket read; an endless device on loopback sends hundreds of
 * MB a second, so a reader without a cap blows far past this within one call.
 */
const HEAP_BOUND_BYTES = 64 * 1024 * 1024;
const RSS_GROWTH_LIMIT = 0.1;
const PER_KIND = 3;

const devices: BenchDevice[] = (['endless', 'garbage'] as const).flatMap((mode) =>
  (['pjlink', 'http', 'tcp'] as const).flatMap((kind) =>
    Array.from({ length: PER_KIND }, (_, n): BenchDevice => ({ id: `hostile-${mode}-${kind}-${n + 1}`, kind, initialPower: 'on', transitionMs: 0, fault: { mode } })),
  ),
);

let client: Client;
let venue: TestVenue;
let worker: WorkerProcess | undefined;
const taskQueue = uniqueTaskQueue('hostile-memory');

beforeAll(async () => {
  ({ client, venue, worker } = await startResilienceRun(devices, TICK_MS, taskQueue, { runtimeProbe: true }));
}, 240_000);

afterAll(() => stopResilienceRun({ client, venue, worker }));

interface Sample {
  process: ProcessSample;
  runtime: RuntimeSample;
}

/** Samples the worker every tick for `durationMs`, then once more right after a full collection, which it returns. */
async function sampleAfter(durationMs: number, samples: Sample[]): Promise<Sample> {
  const until = Date.now() + durationMs;
  while (Date.now() < until) {
    samples.push({ process: await sampleProcess(worker!.child.pid), runtime: await requestRuntimeSample(worker!.child.process) });
    await new Promise((resolve) => setTimeout(resolve, TICK_MS));
  }
  const runtime = await requestRuntimeSample(worker!.child.process, { collectGarbage: true });
  return { process: await sampleProcess(worker!.child.pid), runtime };
}

describe('devices that answer garbage or an endless stream', () => {
  it('when many calls hit them, then the worker memory stays bounded and every connection is closed within its deadline', async () => {
    await syncInventory(client, { taskQueue, machines: venue.specs });
    await waitFor(
      'every machine failing',
      async () => [...(await statusesOf(client, venue.specs)).values()].every((status) => status.health === 'failing'),
      60_000,
    );

    const startedAt = Date.now();
    const samples: Sample[] = [];
    const liveAtMiddle = await sampleAfter(MEASURED_MS / 2, samples);
    const liveAtEnd = await sampleAfter(MEASURED_MS / 2, samples);
    const endedAt = Date.now();
    const deadlineMs = Math.max(...venue.specs.map((spec) => deviceCallDeadlineMs(spec.driver)));
    // Calls still on the wire at the end get their deadline (and the slack) to close.
    await new Promise((resolve) => setTimeout(resolve, deadlineMs + 1_000));

    const connections = [...deviceActivityOf(venue.events).connections.values()].flat().filter(({ openedAt }) => openedAt >= startedAt && openedAt < endedAt);
    const heldLongest = Math.max(...connections.map(({ openedAt, closedAt }) => (closedAt ?? Infinity) - openedAt));
    expect(connections.length, 'calls that reached the hostile devices').toBeGreaterThan(venue.specs.length * (MEASURED_MS / TICK_MS) * 0.3);
    expect(heldLongest, 'longest connection a hostile device saw, ms').toBeLessThanOrEqual(deadlineMs + 1_000);

    const heapBaseline = samples[0]!.runtime.heapUsedBytes;
    const heapHighest = Math.max(...samples.map((sample) => sample.runtime.heapUsedBytes));
    expect(heapHighest - heapBaseline, 'heap growth while hostile calls run, bytes').toBeLessThan(HEAP_BOUND_BYTES);
    const rssGrowth = liveAtEnd.process.rssBytes / liveAtMiddle.process.rssBytes - 1;
    expect(rssGrowth, 'growth of resident memory over the second half, each after a full collection').toBeLessThan(RSS_GROWTH_LIMIT);
  }, 300_000);
});
