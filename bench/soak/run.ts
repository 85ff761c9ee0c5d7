/**
 * The soak run: a fresh in-memory dev server, the simulator and the worker as separate processes
 * (so the worker's memory and descriptors are its own), the venue synced as in production, a
 * warm-up, then `cycles` measured ticks sampled at every tick boundary.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client, Connection } from '@temporalio/client';
import { loadVenueConfig } from '../../config/load';
import { formatDuration } from '../../domain/duration';
import type { DriverTimeouts } from '../../activities/drivers/shared/spec';
import { machineWorkflowId } from '../../fleet/machines';
import { syncInventory } from '../../fleet/sync';
import { mapLimited, PARALLEL_CALLS } from '../../fleet/map-limited';
import { statusQuery } from '../../workflows/machine/contract';
import { scanActivityHistories } from '../../harness/activity-history';
import { deviceActivityOf, readDeviceEvents } from '../../harness/device-events';
import {
  startSimulatorProcess,
  startTemporalServerProcess,
  startWorkerProcess,
  type SimulatorProcess,
  type TemporalServerProcess,
  type WorkerProcess,
} from '../../harness/processes';
import { mb } from './criteria';
import { simulatorConfigFor, toYaml, venueFileFor } from '../../harness/venue-files';
import { analyseSoak, type SoakAnalysis } from './analyse';
import { createWorkerSampler, type WorkerSample } from './samples';
import { soakMachines, type MachineRole, type SoakMachine } from './venue';

export interface SoakOptions {
  machines: number;
  hung: number;
  tickMs: number;
  cycles: number;
  /** Before the measured window: the start burst, first commands and warm-ups settle. */
  warmupMs?: number;
  timeouts?: DriverTimeouts;
  /** Continue-as-new after this many ticks; undefined keeps the workflow's own default. */
  ticksPerRun?: number;
  /** Progress lines, e.g. to stderr. */
  log?: (line: string) => void;
}

export interface SoakReport {
  benchmark: 'soak';
  startedAt: string;
  finishedAt: string;
  options: {
    machines: number;
    hung: number;
    tick: string;
    cycles: number;
    warmup: string;
    ticksPerRun?: number;
    timeouts: { connect: string; response: string };
  };
  /** Load averages show how much else ran on the machine: the soak measures on a shared box too. */
  host: { cpus: number; node: string; loadAverageAtStart: number[]; loadAverageAtEnd: number[] };
  venue: Record<MachineRole, number>;
  windowStart: string;
  /** Events in the longest workflow history at the end, from reading every history. */
  largestHistoryLength: number;
  analysis: SoakAnalysis;
  passed: boolean;
}

const DEFAULT_TIMEOUTS: DriverTimeouts = { connectMs: 1_000, responseMs: 1_000 };
const TASK_QUEUE = 'soak';
/** The start is a burst (every machine checks at once, then moves to its slot): the window begins once it has settled. */
const DEFAULT_WARMUP_MS = 30_000;
/** Status queries run on the worker: few at a time, so reading them does not make checks late. */
const PARALLEL_QUERIES = 4;

export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const log = options.log ?? (() => undefined);
  const timeouts = options.timeouts ?? DEFAULT_TIMEOUTS;
  const warmupMs = options.warmupMs ?? Math.max(10 * options.tickMs, DEFAULT_WARMUP_MS);
  const startedAt = new Date();
  const loadAverageAtStart = os.loadavg();
  const machines = soakMachines({ machines: options.machines, hung: options.hung, timeouts, tickMs: options.tickMs });
  const workDir = await mkdtemp(path.join(os.tmpdir(), 'showctl-soak-'));
  const eventLogFile = path.join(workDir, 'device-events.jsonl');

  let server: TemporalServerProcess | undefined;
  let simulator: SimulatorProcess | undefined;
  let worker: WorkerProcess | undefined;
  let connection: Connection | undefined;
  try {
    const simulatorFile = path.join(workDir, 'devices.yaml');
    await writeFile(simulatorFile, toYaml(simulatorConfigFor(machines)));
    [server, simulator] = await Promise.all([startTemporalServerProcess(), startSimulatorProcess({ configFile: simulatorFile, eventLogFile })]);
    log(`dev server ${server.address}, simulator pid ${simulator.child.pid} with ${simulator.devices.length} devices`);

    const venueFile = path.join(workDir, 'venue.yaml');
    await writeFile(venueFile, venueFileFor({ name: 'Soak venue', tickMs: options.tickMs, failingAfter: 2, timeouts, devices: simulator.devices }));
    const venue = loadVenueConfig(venueFile);
    worker = await startWorkerProcess({
      venueFile,
      temporalAddress: server.address,
      taskQueue: TASK_QUEUE,
      metricsPort: 'free',
      runtimeProbe: true,
    });
    log(`worker pid ${worker.child.pid}, metrics ${worker.metricsUrl}`);

    connection = await Connection.connect({ address: server.address });
    const client = new Client({ connection });
    const sync = await syncInventory(client, { taskQueue: TASK_QUEUE, machines: venue.machines, ticksPerRun: options.ticksPerRun, by: 'soak benchmark' });
    log(`inventory: ${sync.started.length} machine workflows started; warm-up ${formatDuration(warmupMs)}`);

    const windowStart = Math.ceil((Date.now() + warmupMs) / options.tickMs) * options.tickMs;
    const window = await measureWindow({
      client,
      worker,
      serverPid: server.pid,
      simulatorPid: simulator.child.pid,
      machines,
      ids: venue.machines.map((spec) => spec.id),
      windowStart,
      tickMs: options.tickMs,
      cycles: options.cycles,
      log,
    });

    const runningAtEnd = await runningChains(client, venue.machines.map((spec) => spec.id));
    await worker.stop();
    await simulator.stop();
    log('worker and simulator stopped; reading histories and device events');
    const [histories, events] = await Promise.all([scanActivityHistories(client, TASK_QUEUE), readDeviceEvents(eventLogFile)]);

    const roleOf = new Map(machines.map((machine) => [machine.id, machine.role]));
    const analysis = analyseSoak({
      tickMs: options.tickMs,
      windowStart,
      cycles: options.cycles,
      machines: venue.machines.map((spec) => ({ spec, role: roleOf.get(spec.id) ?? 'healthy' })),
      samples: window.samples,
      activities: histories.activities,
      workflowTasks: histories.workflowTasks,
      historyLengths: histories.historyLengths,
      devices: deviceActivityOf(events),
      missedTicksAtStart: window.missedTicksAtStart,
      missedTicksAtEnd: window.missedTicksAtEnd,
      runningAtEnd,
    });
    return {
      benchmark: 'soak',
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      options: {
        machines: options.machines,
        hung: options.hung,
        tick: formatDuration(options.tickMs),
        cycles: options.cycles,
        warmup: formatDuration(warmupMs),
        ticksPerRun: options.ticksPerRun,
        timeouts: { connect: formatDuration(timeouts.connectMs), response: formatDuration(timeouts.responseMs) },
      },
      host: { cpus: os.cpus().length, node: process.version, loadAverageAtStart, loadAverageAtEnd: os.loadavg() },
      venue: countRoles(machines.map((machine) => machine.role)),
      windowStart: new Date(windowStart).toISOString(),
      largestHistoryLength: Math.max(0, ...histories.historyLengths.map((run) => run.events)),
      analysis,
      passed: analysis.passed,
    };
  } finally {
    await worker?.kill();
    await simulator?.stop();
    await connection?.close();
    await server?.stop();
    await rm(workDir, { recursive: true, force: true });
  }
}

/**
 * Machines whose workflow (its latest run) is running. Asked of each workflow rather than counted
 * in visibility, where a machine that is continuing as new at that moment can be missing.
 */
async function runningChains(client: Client, ids: string[]): Promise<number> {
  const statuses = await mapLimited(ids, PARALLEL_CALLS, async (id) => (await client.workflow.getHandle(machineWorkflowId(id)).describe()).status.name);
  return statuses.filter((status) => status === 'RUNNING').length;
}

interface WindowRun {
  client: Client;
  worker: WorkerProcess;
  serverPid: number;
  simulatorPid: number;
  machines: SoakMachine[];
  ids: string[];
  windowStart: number;
  tickMs: number;
  cycles: number;
  log: (line: string) => void;
}

interface WindowMeasurements {
  samples: WorkerSample[];
  missedTicksAtStart: Map<string, number>;
  missedTicksAtEnd: Map<string, number>;
}

/**
 * Samples the worker at every tick boundary of the window, after a full collection at its start,
 * middle and end, and reads every machine's missed ticks just before and after it.
 */
async function measureWindow(run: WindowRun): Promise<WindowMeasurements> {
  const historyWatch = oneOfEachKind(run.machines).map((machine) => machineWorkflowId(machine.id));
  const sampler = createWorkerSampler({
    client: run.client,
    taskQueue: TASK_QUEUE,
    worker: run.worker,
    historyWatch,
    serverPid: run.serverPid,
    simulatorPid: run.simulatorPid,
  });
  // Read in the warm-up's last tick, a few at a time, so these queries do not load the window
  // (a tick missed between a machine's read and the window's start still counts against it).
  await sleepUntil(run.windowStart - run.tickMs);
  const missedTicksAtStart = await missedTicksOf(run.client, run.ids);
  await sleepUntil(run.windowStart);

  const samples: WorkerSample[] = [];
  const collectedAt = new Set([0, Math.floor(run.cycles / 2), run.cycles]);
  for (let tick = 0; tick <= run.cycles; tick++) {
    await sleepUntil(run.windowStart + tick * run.tickMs);
    const sample = await sampler.sample(tick, { collectGarbage: collectedAt.has(tick) });
    samples.push(sample);
    if (tick % 10 === 0 || tick === run.cycles) run.log(progressLine(sample, run.cycles));
  }
  await sampler.stop();
  // A tick overrun is counted when the machine next waits: give the last tick time to report.
  await sleepUntil(run.windowStart + (run.cycles + 1) * run.tickMs);
  return { samples, missedTicksAtStart, missedTicksAtEnd: await missedTicksOf(run.client, run.ids) };
}

async function sleepUntil(at: number): Promise<void> {
  const wait = at - Date.now();
  if (wait > 0) await sleep(wait);
}

/** status.missedTicks of every machine; a machine whose query fails is left out (and so fails the check). */
async function missedTicksOf(client: Client, ids: string[]): Promise<Map<string, number>> {
  const missed = new Map<string, number>();
  let next = 0;
  const lane = async () => {
    while (next < ids.length) {
      const id = ids[next++]!;
      try {
        missed.set(id, (await client.workflow.getHandle(machineWorkflowId(id)).query(statusQuery)).missedTicks);
      } catch {
        continue;
      }
    }
  };
  await Promise.all(Array.from({ length: PARALLEL_QUERIES }, lane));
  return missed;
}

function progressLine(sample: WorkerSample, cycles: number): string {
  const rss = sample.rssBytes === undefined ? '-' : `${mb(sample.rssBytes)} MB`;
  return `tick ${sample.tick}/${cycles}: rss ${rss}, fds ${sample.openFds ?? '-'}, activity slots ${sample.activitySlotsUsed ?? '-'}, running ${sample.runningWorkflows ?? '-'}`;
}

function oneOfEachKind(machines: SoakMachine[]): SoakMachine[] {
  const seen = new Map<string, SoakMachine>();
  for (const machine of machines) if (!seen.has(`${machine.role} ${machine.kind}`)) seen.set(`${machine.role} ${machine.kind}`, machine);
  return [...seen.values()];
}

function countRoles(roles: MachineRole[]): Record<MachineRole, number> {
  const counts = {} as Record<MachineRole, number>;
  for (const role of roles) counts[role] = (counts[role] ?? 0) + 1;
  return counts;
}
