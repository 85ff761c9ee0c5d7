/**
 * One loop measured: start it, wait until every machine was checked once and a warm-up passed
 * (the start is a burst: our workflows check at once), then measure `cycles` ticks: device-side
 * lateness and missed slots, CPU and memory of every process from /proc, what each worker did
 * from its metrics, history events per tick.
 */
import { loadavg } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Devices } from './devices';
import { historyGrowth } from './history';
import { assessSlots, type LatenessFigures } from './lateness';
import { startLoop, type LoopName, type LoopSettings, type RunningLoop } from './loops';
import { ProcessWatch } from './process-stats';
import { countersBetween, scrapeWorkerCounters, type WorkerCounters } from './worker-metrics';

const ARRIVAL_GRACE_MS = 20_000;
const FIRST_CHECKS_POLL_MS = 5_000;
const FIRST_CHECKS_TIMEOUT_TICKS = 5;
const FIRST_CHECKS_TIMEOUT_EXTRA_MS = 120_000;

export interface MeasureSettings extends LoopSettings {
  cycles: number;
  warmupMs: number;
  /** Workflows whose histories are read for events per tick. */
  historySample: number;
  log: (line: string) => void;
}

export interface WorkerFigures extends Partial<WorkerCounters> {
  pid: number;
  cpuSeconds: number;
  rssMb: { start: number; end: number; max: number };
}

export interface LoopFigures {
  loop: LoopName;
  machines: number;
  tickMs: number;
  cycles: number;
  workers: number;
  startupSeconds: number;
  /** From starting the loop until every machine was checked once (or the wait gave up). */
  firstChecksSeconds: number;
  /** Machines not checked even once before measuring began; 0 unless the loop is overloaded. */
  neverCheckedAtStart: number;
  window: { startedAt: string; seconds: number };
  /** Slots a check served inside the window; every machine has `cycles` of them. */
  checks: number;
  expectedChecks: number;
  missedTicks: number;
  /** Slots served in each tick of the window. */
  servedPerTick: number[];
  /** Requests beyond one per slot (retries); and power commands, none when healthy. */
  extraRequests: number;
  commands: number;
  lateness: LatenessFigures;
  workerCpuSeconds: number;
  workerCpuSecondsPer1000Checks: number;
  /** Peak resident memory of the loop's worker processes together (sum of each one's peak). */
  workerRssMb: number;
  workerRssMbPer1000Machines: number;
  /** Start, end and peak over the window, all workers together: is memory flat? */
  workerRssTrendMb: { start: number; end: number; max: number };
  /** The Temporal dev server; zero for the plain loop, which has none. */
  serverCpuSeconds: number;
  serverCpuSecondsPer1000Checks: number;
  serverRssMb: number;
  /** Worker and server together: the whole cost of a check. */
  totalCpuSecondsPer1000Checks: number;
  /** The device simulator, the same for every loop: shows the devices were not the bottleneck. */
  simulatorCpuSeconds: number;
  historyEventsPerTick?: number;
  historyEventTypesPerTick?: Record<string, number>;
  perWorker: WorkerFigures[];
  loadAverage: { start: number[]; end: number[] };
}

export async function measureLoop(loop: LoopName, settings: MeasureSettings, devices: Devices): Promise<LoopFigures> {
  const { log } = settings;
  log(`${loop}: starting ${settings.machines.length} machines, ${settings.workers} worker(s)`);
  const startedAtMs = Date.now();
  const running = await startLoop(loop, settings);
  try {
    log(`${loop}: all started in ${running.startupSeconds.toFixed(1)} s; waiting for every machine's first check`);
    const firstChecks = await waitForFirstChecks(settings, devices, startedAtMs);
    log(
      firstChecks.neverChecked === 0
        ? `${loop}: every machine checked within ${firstChecks.seconds.toFixed(1)} s; warming up ${settings.warmupMs / 1000} s`
        : `${loop}: ${firstChecks.neverChecked} machines still unchecked after ${firstChecks.seconds.toFixed(0)} s; measuring anyway`,
    );
    await sleep(settings.warmupMs);
    return {
      ...(await measureWindow(loop, settings, devices, running)),
      firstChecksSeconds: firstChecks.seconds,
      neverCheckedAtStart: firstChecks.neverChecked,
    };
  } finally {
    await running.stop();
  }
}

/** `cycles` ticks of a loop already running: what bench:scale measures once the start is behind. */
export async function measureWindow(
  loop: LoopName,
  settings: MeasureSettings,
  devices: Devices,
  running: RunningLoop,
): Promise<Omit<LoopFigures, 'firstChecksSeconds' | 'neverCheckedAtStart'>> {
  const { tickMs, cycles, machines } = settings;
  const countersBefore = await scrapeAll(running);
  const loadStart = loadavg();
  const pids = [...running.workers.map((worker) => worker.pid), ...(running.serverPid ? [running.serverPid] : []), devices.pid];
  const watch = new ProcessWatch(pids);
  await watch.start();
  const windowStartMs = Date.now();
  settings.log(`${loop}: measuring ${cycles} tick(s) of ${tickMs / 1000} s`);
  await sleep(cycles * tickMs);
  await watch.stop();
  const windowEndMs = Date.now();
  const loadEnd = loadavg();
  const countersAfter = await scrapeAll(running);
  // Checks of the window's last slots may still be on their way; later than this counts as missed.
  const graceMs = Math.min(tickMs, ARRIVAL_GRACE_MS);
  await sleep(graceMs);
  const arrivals = await devices.arrivals(windowStartMs - tickMs, windowEndMs + graceMs);
  const commands = await devices.commands(windowStartMs, windowEndMs);
  const slots = assessSlots({ machineIds: machines.map((spec) => spec.id), tickMs, fromMs: windowStartMs, untilMs: windowEndMs }, arrivals);
  const perWorker: WorkerFigures[] = running.workers.map((worker, index) => {
    const usage = watch.usage(worker.pid);
    const before = countersBefore[index];
    const after = countersAfter[index];
    return { pid: worker.pid, ...(before && after ? countersBetween(before, after) : {}), ...usage };
  });
  const server = running.serverPid ? watch.usage(running.serverPid) : undefined;
  const workerCpuSeconds = sum(perWorker.map((worker) => worker.cpuSeconds));
  const workerRssMb = sum(perWorker.map((worker) => worker.rssMb.max));
  const serverCpuSeconds = server?.cpuSeconds ?? 0;
  const per1000Checks = (seconds: number): number => (seconds / slots.servedSlots) * 1000;
  const sampleIds = spreadSample(running.workflowIds, settings.historySample);
  const growth = running.client ? await historyGrowth(running.client, sampleIds, windowStartMs, windowEndMs) : undefined;

  return {
    loop,
    machines: machines.length,
    tickMs,
    cycles,
    workers: running.workers.length,
    startupSeconds: running.startupSeconds,
    window: { startedAt: new Date(windowStartMs).toISOString(), seconds: (windowEndMs - windowStartMs) / 1000 },
    checks: slots.servedSlots,
    expectedChecks: slots.expectedSlots,
    missedTicks: slots.missedTicks,
    servedPerTick: slots.servedPerTick,
    extraRequests: slots.extraRequests,
    commands,
    lateness: slots.lateness,
    workerCpuSeconds,
    workerCpuSecondsPer1000Checks: per1000Checks(workerCpuSeconds),
    workerRssMb,
    workerRssMbPer1000Machines: (workerRssMb / machines.length) * 1000,
    workerRssTrendMb: {
      start: sum(perWorker.map((worker) => worker.rssMb.start)),
      end: sum(perWorker.map((worker) => worker.rssMb.end)),
      max: workerRssMb,
    },
    serverCpuSeconds,
    serverCpuSecondsPer1000Checks: per1000Checks(serverCpuSeconds),
    serverRssMb: server?.rssMb.max ?? 0,
    totalCpuSecondsPer1000Checks: per1000Checks(workerCpuSeconds + serverCpuSeconds),
    simulatorCpuSeconds: watch.usage(devices.pid).cpuSeconds,
    historyEventsPerTick: growth?.eventsPerTick,
    historyEventTypesPerTick: growth?.eventTypesPerTick,
    perWorker,
    loadAverage: { start: loadStart.map(round2), end: loadEnd.map(round2) },
  };
}

interface FirstChecks {
  seconds: number;
  /** Machines still unchecked when the wait gave up: an overloaded loop is measured as it is. */
  neverChecked: number;
}

/**
 * The start is a burst (our workflows check at once, then settle on their slots): measuring
 * starts once every machine has been checked, or a bounded wait has passed, plus the warm-up.
 */
async function waitForFirstChecks(settings: MeasureSettings, devices: Devices, startedAtMs: number): Promise<FirstChecks> {
  const deadlineMs = Date.now() + FIRST_CHECKS_TIMEOUT_TICKS * settings.tickMs + FIRST_CHECKS_TIMEOUT_EXTRA_MS;
  const waiting = new Set(settings.machines.map((spec) => spec.id));
  let seenUntilMs = startedAtMs;
  while (waiting.size > 0 && Date.now() < deadlineMs) {
    await sleep(Math.min(settings.tickMs, FIRST_CHECKS_POLL_MS));
    const untilMs = Date.now();
    for (const { machineId } of await devices.arrivals(seenUntilMs, untilMs)) waiting.delete(machineId);
    seenUntilMs = untilMs;
  }
  return { seconds: (seenUntilMs - startedAtMs) / 1000, neverChecked: waiting.size };
}

async function scrapeAll(running: RunningLoop): Promise<(WorkerCounters | undefined)[]> {
  return Promise.all(
    running.workers.map((worker) => (worker.metricsUrl ? scrapeWorkerCounters(worker.metricsUrl).catch(() => undefined) : undefined)),
  );
}

/** Every k-th id, so the sample spans the whole fleet and its slots. */
function spreadSample(ids: string[], size: number): string[] {
  const step = Math.max(1, Math.floor(ids.length / Math.max(1, size)));
  return ids.filter((_, index) => index % step === 0).slice(0, size);
}

function sum(values: number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
