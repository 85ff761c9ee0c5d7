/**
 * One scale run: the device host, then each loop in turn on the same devices, machine ids, tick
 * and window length, measured alike. Ours first, then the minimal Temporal loop, then the plain
 * Node loop.
 */
import { DEFAULT_TICKS_PER_RUN } from '../../workflows/machine/contract';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FlagError } from '../lib/flags';
import { startDevices, type Devices } from './devices';
import type { LoopName } from './loops';
import { measureLoop, type LoopFigures, type MeasureSettings } from './measure';
import { machineIds, writeBenchVenue, type BenchVenue } from './venue';

export type DatabaseMode = 'file' | 'memory';

/** `--db`. */
export function databaseModeOf(flag: string): DatabaseMode {
  if (flag !== 'file' && flag !== 'memory') throw new FlagError(`--db: expected file or memory, got ${JSON.stringify(flag)}`);
  return flag;
}

export interface ScaleOptions {
  machines: number;
  tickMs: number;
  /** Measured ticks per loop. */
  cycles: number;
  /** Unmeasured time after every machine started; default one tick. */
  warmupMs?: number;
  workers?: number;
  maxActivities?: number;
  /** file: SQLite with WAL and synchronous=NORMAL, as `npm start` runs it; memory: no persistence. */
  db?: DatabaseMode;
  /** Default ours, minimal and plain; ours always runs; minimal-local is an experiment. */
  loops?: LoopName[];
  /** Continue-as-new period of both Temporal loops, in ticks (default: the product's). */
  ticksPerRun?: number;
  historySample?: number;
  workerOptions?: Record<string, unknown>;
  workerEnv?: Record<string, string>;
  /** Every machine also declares two aspects (volume, playlist) read in its probe's one request. */
  withAspects?: boolean;
  log?: (line: string) => void;
}

export type ScaleRun = { ours: LoopFigures } & Partial<Record<LoopName, LoopFigures>> & {
  /** References that could not be measured, with why; ours failing fails the run. */
  failures: Partial<Record<LoopName, string>>;
};


export async function runScale(options: ScaleOptions): Promise<ScaleRun> {
  const log = options.log ?? (() => undefined);
  const workDir = await mkdtemp(path.join(tmpdir(), 'scale-bench-'));
  let devices: Devices | undefined;
  try {
    log(`starting ${options.machines} simulated devices`);
    devices = await startDevices(machineIds(options.machines), workDir);
    const venue = await writeBenchVenue(workDir, devices.addresses, options.tickMs, { withAspects: options.withAspects === true });
    const run: Partial<Record<LoopName, LoopFigures>> = {};
    const failures: ScaleRun['failures'] = {};
    for (const loop of orderedLoops(options.loops)) {
      let figures: LoopFigures;
      try {
        figures = await measureLoop(loop, settingsFor(loop, options, venue, workDir, log), devices);
      } catch (error) {
        // A reference that breaks must not throw away the figures already taken.
        if (loop === 'ours') throw error;
        failures[loop] = error instanceof Error ? error.message : String(error);
        log(`${loop}: not measured: ${failures[loop]}`);
        continue;
      }
      run[loop] = figures;
      log(
        `${loop}: p99 ${figures.lateness.p99Ms} ms, missed ${figures.missedTicks}, ` +
          `worker ${figures.workerCpuSecondsPer1000Checks.toFixed(2)} CPU s/1000 checks, ${figures.workerRssMb.toFixed(0)} MB; ` +
          `served per tick ${figures.servedPerTick.join(' ')}`,
      );
    }
    return { ...run, failures } as ScaleRun;
  } finally {
    await devices?.stop();
    await rm(workDir, { recursive: true, force: true });
  }
}

/** The measurement settings of one loop of a run, from the run's options. */
export function settingsFor(loop: LoopName, options: ScaleOptions, venue: BenchVenue, workDir: string, log: (line: string) => void): MeasureSettings {
  return {
    machines: venue.config.machines,
    venueFile: venue.file,
    tickMs: options.tickMs,
    cycles: options.cycles,
    warmupMs: options.warmupMs ?? options.tickMs,
    workers: options.workers ?? 1,
    maxActivities: options.maxActivities ?? 200,
    dbFile: (options.db ?? 'file') === 'file' ? path.join(workDir, `${loop}.sqlite`) : undefined,
    ticksPerRun: options.ticksPerRun ?? DEFAULT_TICKS_PER_RUN,
    historySample: options.historySample ?? 20,
    workerOptions: loop === 'ours' ? options.workerOptions : undefined,
    workerEnv: loop === 'ours' ? options.workerEnv : undefined,
    workDir,
    log,
  };
}

export const LOOP_ORDER: readonly LoopName[] = ['ours', 'minimal', 'plain', 'minimal-local'];

function orderedLoops(requested: LoopName[] = ['ours', 'minimal', 'plain']): LoopName[] {
  return LOOP_ORDER.filter((loop) => loop === 'ours' || requested.includes(loop));
}
