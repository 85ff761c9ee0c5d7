/**
 * The failing gauge's failure labels over a machine's life: its failure changing type, continue-as-new
 * (a fresh run must set the old run's series back to 0), maintenance (nothing is checked, the
 * failure is still named) and recovery. A stale 1 would keep MachineFailing firing for ever.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../simulator';
import { endMaintenanceSignal, MACHINE_METRICS, startMaintenanceSignal, type MachineWorkflow } from '../../workflows/machine/contract';
import type { WorkflowHandle } from '@temporalio/client';
import type { MachineSpec } from '../../domain/types';
import { failedChecksWithinMs } from '../support/budgets';
import { machine, pjlinkDriver } from '../support/specs';
import { waitFor } from '../support/wait-for';
import { scrape, select } from './exposition';
import { startMetricsWorker, type MetricsWorker } from './metrics-worker';

const id = `failing-series-${randomUUID().slice(0, 8)}`;
const operator = { by: 'metrics test', reason: 'test' };

let simulator: Simulator;
let worker: MetricsWorker;
let handle: WorkflowHandle<MachineWorkflow>;
let spec: MachineSpec;

beforeAll(async () => {
  simulator = await startSimulator({ devices: [{ id, kind: 'pjlink', fault: { mode: 'hang' } }] });
  worker = await startMetricsWorker();
  const driver = { ...pjlinkDriver(simulator.device(id).port), timeouts: { connectMs: 250, responseMs: 250 } };
  spec = machine(id, driver, { group: 'failing-series', tickMs: 1000, failingAfter: 2 });
  // Three ticks a run: every change below spans a continue-as-new.
  handle = await worker.startMachine(spec, { ticksPerRun: 3 });
});

afterAll(async () => {
  await worker?.stop();
  await simulator?.stop();
});

/** The machine's failing series at 1, as `type in the step`. */
async function failingAtOne(): Promise<string[]> {
  return select(await scrape(worker.metricsUrl), MACHINE_METRICS.failing, { machine_id: id })
    .filter((sample) => sample.value === 1)
    .map(({ labels }) => `${labels.failure_type} in the ${labels.failed_step}`);
}

const within = () => failedChecksWithinMs(spec, 6);

describe('the failing gauge of a machine whose failure changes', () => {
  it('when a hung device starts refusing connections, then only the new failure is at 1, across continue-as-new', async () => {
    const firstRun = (await handle.describe()).runId;
    await waitFor('the timeout named', async () => (await failingAtOne()).join() === 'DeviceTimeoutError in the probe', within());
    simulator.device(id).setFault({ mode: 'refuse' });
    await waitFor('the refusal named alone', async () => (await failingAtOne()).join() === 'DeviceUnreachableError in the probe', within());
    // Runs of three ticks: by now the machine has continued as new, and the timeout is still 0.
    await waitFor('a continue-as-new', async () => (await handle.describe()).runId !== firstRun, within());
    await waitFor('a tick of the new run', async () => (await failingAtOne()).join() === 'DeviceUnreachableError in the probe', within());
  }, 180_000);

  it('when the failing machine is in maintenance across a continue-as-new, then its failure is still named, and none once it recovers', async () => {
    await handle.signal(startMaintenanceSignal, operator);
    const runBefore = (await handle.describe()).runId;
    await waitFor('a continue-as-new in maintenance', async () => (await handle.describe()).runId !== runBefore, within());
    expect(await failingAtOne()).toEqual(['DeviceUnreachableError in the probe']);

    simulator.device(id).setFault(undefined);
    await handle.signal(endMaintenanceSignal, operator);
    await waitFor('no failing series at 1', async () => (await failingAtOne()).length === 0, within());
    const series = select(await scrape(worker.metricsUrl), MACHINE_METRICS.failing, { machine_id: id }).map(({ labels, value }) => [labels.failure_type ?? 'healthy', value]);
    expect(series).toEqual(expect.arrayContaining([['healthy', 0], ['DeviceTimeoutError', 0], ['DeviceUnreachableError', 0]]));
  }, 180_000);
});
