/**
 * A venue for resilience tests: simulated devices in the test process (their command logs are
 * the witness), the venue file the real worker reads, and the real worker (worker/main.ts) as a
 * child process that can be stopped, killed with SIGKILL and started again.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { onTestFailed } from 'vitest';
import { startWorkerProcess, type WorkerProcess } from '../../harness/processes';
import { simulatorConfigFor, venueFileFor, type BenchDevice } from '../../harness/venue-files';
import { loadVenueConfig } from '../../config/load';
import { nextTickAt, tickOffsetMs } from '../../domain/tick';
import type { MachineSpec } from '../../domain/types';
import { machineWorkflowId } from '../../fleet/machines';
import { startSimulator, type DeviceEvent, type SimulatedDevice, type Simulator } from '../../simulator';
import { statusQuery, type MachineStatus } from '../../workflows/machine/contract';
import { connectClient, temporalAddress } from '../support/temporal';

export const TIMEOUTS = { connectMs: 1_000, responseMs: 1_000 };
/** Bundling the workflow code at worker start takes seconds, many more on a busy machine. */
export const WORKER_READY_TIMEOUT_MS = 180_000;

export interface TestVenue {
  simulator: Simulator;
  /** Every connection and command of every device, in order. */
  events: DeviceEvent[];
  venueFile: string;
  specs: MachineSpec[];
  tickMs: number;
  device(id: string): SimulatedDevice;
  stop(): Promise<void>;
}

/** The dependency map of a test venue: the machines each machine needs, by id, and how soon a switched machine is checked again. */
export interface TestDependencies {
  needs: Record<string, string[]>;
  recheckMs: number;
}

export async function startTestVenue(devices: BenchDevice[], tickMs: number, dependencies?: TestDependencies): Promise<TestVenue> {
  const events: DeviceEvent[] = [];
  const simulator = await startSimulator(simulatorConfigFor(devices), { onEvent: (event) => events.push(event) });
  const dir = await mkdtemp(path.join(tmpdir(), 'showctl-resilience-'));
  const venueFile = path.join(dir, 'venue.yaml');
  await writeFile(venueFile, venueFileFor({
    name: 'Resilience venue',
    tickMs,
    failingAfter: 2,
    timeouts: TIMEOUTS,
    devices: simulator.devices,
    ...(dependencies && { dependsOnOf: (device) => dependencies.needs[device.id], dependencyRecheckMs: dependencies.recheckMs }),
  }));
  return {
    simulator,
    events,
    venueFile,
    specs: loadVenueConfig(venueFile).machines,
    tickMs,
    device: (id) => simulator.device(id),
    async stop() {
      await simulator.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export function startWorker(venue: TestVenue, temporalAddress: string, taskQueue: string, options: { metricsPort?: number; runtimeProbe?: boolean } = {}): Promise<WorkerProcess> {
  return startWorkerProcess({
    venueFile: venue.venueFile,
    temporalAddress,
    taskQueue,
    metricsPort: options.metricsPort ?? 0,
    runtimeProbe: options.runtimeProbe,
    readyTimeoutMs: WORKER_READY_TIMEOUT_MS,
  });
}

export function statusOf(client: Client, machineId: string): Promise<MachineStatus> {
  return client.workflow.getHandle(machineWorkflowId(machineId)).query(statusQuery);
}

export async function statusesOf(client: Client, specs: MachineSpec[]): Promise<Map<string, MachineStatus>> {
  const statuses = await Promise.all(specs.map(async (spec) => [spec.id, await statusOf(client, spec.id)] as const));
  return new Map(statuses);
}

/** The next slot of a machine after `afterMs`. */
function nextSlotOf(machineId: string, tickMs: number, afterMs = Date.now()): number {
  return nextTickAt(afterMs, tickMs, tickOffsetMs(machineId, tickMs));
}

/** Slots of a machine in [fromMs, toMs). */
export function slotsBetween(machineId: string, tickMs: number, fromMs: number, toMs: number): number {
  let count = 0;
  for (let slot = nextSlotOf(machineId, tickMs, fromMs - 1); slot < toMs; slot += tickMs) count++;
  return count;
}

export async function terminateAll(client: Client, specs: MachineSpec[]): Promise<void> {
  await Promise.allSettled(specs.map((spec) => client.workflow.getHandle(machineWorkflowId(spec.id)).terminate('test finished')));
}

/** What a resilience test file runs against: a client, the venue and the real worker, which tests may stop, kill and replace. */
export interface ResilienceRun {
  client: Client;
  venue: TestVenue;
  worker: WorkerProcess | undefined;
}

export async function startResilienceRun(
  devices: BenchDevice[],
  tickMs: number,
  taskQueue: string,
  workerOptions: { runtimeProbe?: boolean } = {},
  dependencies?: TestDependencies,
): Promise<ResilienceRun> {
  const client = await connectClient();
  const venue = await startTestVenue(devices, tickMs, dependencies);
  const worker = await startWorker(venue, temporalAddress(), taskQueue, workerOptions);
  return { client, venue, worker };
}

/** Kills the worker, terminates the machines and closes the rest; any part may be missing when the start failed. */
export async function stopResilienceRun({ client, venue, worker }: Partial<ResilienceRun>): Promise<void> {
  await worker?.kill();
  if (client && venue) await terminateAll(client, venue.specs);
  await venue?.stop();
  await client?.connection.close();
}

/** Call in a test: when it fails, the worker's last output (task failures, warnings) is printed beside the assertion. */
export function printWorkerOutputOnFailure(currentWorker: () => WorkerProcess | undefined): void {
  onTestFailed(() => console.error(`worker output at the failure:\n${currentWorker()?.child.output() ?? '(no worker running)'}`));
}
