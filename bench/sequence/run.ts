/**
 * One opening benchmark run: for each venue (with the dependency map, and the same machines
 * without it), fresh devices that start off and boot in `bootMs`, a fresh dev server, our worker
 * and the inventory sync (bench:scale's `ours` loop); the opening, as the devices saw it; then a
 * warm-up and `cycles` healthy ticks measured as bench:scale measures them; last, the messages
 * between the machines, read from their histories.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { deviceCallTimeoutMs } from '../../domain/deadline';
import type { MachineSpec } from '../../domain/types';
import { DEFAULT_TICKS_PER_RUN } from '../../workflows/machine/contract';
import { startDevices, type Devices } from '../scale/devices';
import type { Arrival } from '../scale/lateness';
import { startLoop, type RunningLoop } from '../scale/loops';
import { measureWindow, type LoopFigures } from '../scale/measure';
import { settingsFor, type DatabaseMode, type ScaleOptions } from '../scale/run';
import { countNeighbourMessages, type MessageCounts } from './messages';
import { assessOpening, onTimes, type OpeningFigures } from './opening';
import { machineIdsOf, sequencePlan, writeSequenceVenue, type SequencePlan } from './venue';

export interface SequenceOptions {
  machines: number;
  tickMs: number;
  /** `controller.dependencies.recheck` of the venue with dependencies. */
  recheckMs: number;
  /** Boot time of every device, from an accepted power-on until it is on. */
  bootMs: number;
  /** Healthy ticks measured after the opening. */
  cycles: number;
  /** Unmeasured time after the last device came on; default one tick. */
  warmupMs?: number;
  db: DatabaseMode;
  historySample: number;
  withDependencies: boolean;
  withoutDependencies: boolean;
  log: (line: string) => void;
}

/**
 * What the opening may take with dependencies: `levels` steps and one tick. A step is the
 * `recheck` after a power command (when a machine looks again and tells the next level) plus the
 * longest that command may take (the start-to-close timeout of one device call, above the
 * driver's own deadline). The tick covers the start: the inventory sync and the first checks.
 */
export interface OpeningBound {
  levels: number;
  recheckMs: number;
  deviceCallMs: number;
  stepMs: number;
  tickMs: number;
  boundSeconds: number;
}

export interface VariantFigures {
  dependencies: boolean;
  syncStartedAt: string;
  /** The inventory sync: every machine's workflow started. */
  startupSeconds: number;
  opening: OpeningFigures;
  bound: OpeningBound;
  /** With dependencies: the opening ended within the bound; without: not judged. */
  boundHeld: boolean | null;
  steady: Omit<LoopFigures, 'firstChecksSeconds' | 'neverCheckedAtStart'>;
  messages: MessageCounts;
  loadAverage: { atStart: number[]; atEnd: number[] };
}

export interface SequenceRun {
  plan: SequencePlan;
  variants: VariantFigures[];
}

const OPENING_POLL_MS = 2_000;
/** Beyond the bound, how long the benchmark waits for an opening before measuring what it got. */
const OPENING_TIMEOUT_BOUNDS = 3;

export async function runSequence(options: SequenceOptions): Promise<SequenceRun> {
  const plan = sequencePlan(options.machines);
  const workDir = await mkdtemp(path.join(tmpdir(), 'sequence-bench-'));
  try {
    const variants: VariantFigures[] = [];
    for (const withDependencies of [true, false]) {
      if (withDependencies ? !options.withDependencies : !options.withoutDependencies) continue;
      const variantDir = path.join(workDir, withDependencies ? 'with-dependencies' : 'without-dependencies');
      await mkdir(variantDir);
      variants.push(await runVariant(options, plan, withDependencies, variantDir));
    }
    return { plan, variants };
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

function openingBound(plan: SequencePlan, machines: MachineSpec[], options: SequenceOptions): OpeningBound {
  const deviceCallMs = Math.max(...machines.map((spec) => deviceCallTimeoutMs(spec.driver)));
  const stepMs = options.recheckMs + deviceCallMs;
  const levels = plan.levels.length;
  return { levels, recheckMs: options.recheckMs, deviceCallMs, stepMs, tickMs: options.tickMs, boundSeconds: (levels * stepMs + options.tickMs) / 1000 };
}

async function runVariant(
  options: SequenceOptions,
  plan: SequencePlan,
  withDependencies: boolean,
  workDir: string,
): Promise<VariantFigures> {
  const { log } = options;
  const label = withDependencies ? 'with dependencies' : 'without dependencies';
  const loadAtStart = loadavg();
  log(`${label}: starting ${options.machines} simulated devices, off, booting in ${options.bootMs} ms`);
  let devices: Devices | undefined;
  let running: RunningLoop | undefined;
  try {
    devices = await startDevices(machineIdsOf(plan), workDir, { initialPower: 'off', transitionMs: options.bootMs });
    const venue = await writeSequenceVenue(workDir, devices.addresses, plan, { tickMs: options.tickMs, recheckMs: options.recheckMs, withDependencies });
    const bound = openingBound(plan, venue.config.machines, options);
    const settings = settingsFor('ours', scaleOptionsOf(options), venue, workDir, log);
    log(`${label}: starting the worker and the inventory sync`);
    running = await startLoop('ours', settings);
    const syncStartedAtMs = running.machinesStartedAtMs;
    log(`${label}: all started in ${running.startupSeconds.toFixed(1)} s; waiting for every device to be on (bound ${bound.boundSeconds} s)`);
    const timeoutMs = OPENING_TIMEOUT_BOUNDS * bound.boundSeconds * 1000;
    await waitForOpening(devices, plan, options.bootMs, syncStartedAtMs, timeoutMs);
    const warmupMs = options.warmupMs ?? options.tickMs;
    log(`${label}: opening over; warming up ${warmupMs / 1000} s`);
    await sleep(warmupMs);
    const steady = await measureWindow('ours', { ...settings, warmupMs }, devices, running);
    const windowStartMs = Date.parse(steady.window.startedAt);
    const windowEndMs = windowStartMs + steady.window.seconds * 1000;
    const opening = assessOpening(plan, await devices.commandLog(syncStartedAtMs, windowStartMs), options.bootMs, syncStartedAtMs, {
      firstCheckAtMs: firstArrivals(await devices.arrivals(syncStartedAtMs, windowStartMs)),
      // Without dependencies nothing waits, so no violation is the wait running out.
      waitMs: Math.min(...venue.config.machines.map((spec) => spec.dependencies?.waitMs ?? Infinity)),
    });
    log(`${label}: reading every run's history for neighbourReported signals`);
    const groupOf = new Map(plan.levels.flatMap((level) => level.ids.map((id) => [id, level.name] as const)));
    const messages = await countNeighbourMessages(running.client!, groupOf, [
      { name: 'opening', fromMs: syncStartedAtMs, untilMs: windowStartMs },
      { name: 'steady', fromMs: windowStartMs, untilMs: windowEndMs },
    ]);
    return {
      dependencies: withDependencies,
      syncStartedAt: new Date(syncStartedAtMs).toISOString(),
      startupSeconds: running.startupSeconds,
      opening,
      bound,
      boundHeld: withDependencies ? opening.complete && (opening.seconds ?? Infinity) <= bound.boundSeconds : null,
      steady,
      messages,
      loadAverage: { atStart: loadAtStart.map(round2), atEnd: loadavg().map(round2) },
    };
  } finally {
    await running?.stop();
    await devices?.stop();
  }
}

/** Until every device is on, or `timeoutMs` after the sync began: an opening that stalls is reported as it stands. */
async function waitForOpening(devices: Devices, plan: SequencePlan, bootMs: number, syncStartedAtMs: number, timeoutMs: number): Promise<void> {
  const deviceCount = machineIdsOf(plan).length;
  while (Date.now() < syncStartedAtMs + timeoutMs) {
    await sleep(OPENING_POLL_MS);
    const on = onTimes(await devices.commandLog(syncStartedAtMs, Date.now()), bootMs);
    if (on.size === deviceCount && Math.max(...on.values()) <= Date.now()) return;
  }
}

function firstArrivals(arrivals: readonly Arrival[]): Map<string, number> {
  const first = new Map<string, number>();
  for (const { machineId, atMs } of arrivals) first.set(machineId, Math.min(atMs, first.get(machineId) ?? atMs));
  return first;
}

function scaleOptionsOf(options: SequenceOptions): ScaleOptions {
  return {
    machines: options.machines,
    tickMs: options.tickMs,
    cycles: options.cycles,
    warmupMs: options.warmupMs,
    db: options.db,
    ticksPerRun: DEFAULT_TICKS_PER_RUN,
    historySample: options.historySample,
    log: options.log,
  };
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
