/**
 * `--find-max`: the largest fleet our loop keeps on time (p99 lateness under 5 s, no missed tick)
 * at a given tick. Doubles the fleet from the starting size until a trial fails, then bisects
 * between the last pass and the first failure down to `resolution` of the passing size. Each
 * trial is a fresh run of ours alone: new devices, dev server and worker(s).
 */
import { formatDuration } from '../../domain/duration';
import { LATENESS_TARGET_MS, meetsLatencyTarget } from './report';
import type { LoopFigures } from './measure';
import { runScale, type ScaleOptions } from './run';

export interface FindMaxOptions extends ScaleOptions {
  /** Never try more machines than this. */
  maxMachines: number;
  /** Stop bisecting when the gap is below this fraction of the passing size (and 50 machines). */
  resolution?: number;
}

export interface FindMaxTrial {
  machines: number;
  passed: boolean;
  p99Ms: number;
  missedTicks: number;
  workerCpuSecondsPer1000Checks: number;
  workerRssMb: number;
  seconds: number;
  loadAverageAtEnd: number[];
}

export interface FindMaxResult {
  tick: string;
  criterion: string;
  /** The largest passing fleet; 0 when even the first trial failed. */
  maxMachines: number;
  /**
   * The same load at the 60 s tick: machines x (60 s / tick). Holds while the cost is per check;
   * at a short tick the 5 s lateness budget is a larger share of the tick, so this is a bound
   * worth confirming with one run at 60 s.
   */
  machinesAt60sEquivalent: number;
  /** Figures of the largest passing trial. */
  best?: LoopFigures;
  trials: FindMaxTrial[];
  durationSeconds: number;
}

export async function findMax(options: FindMaxOptions): Promise<FindMaxResult> {
  const startedAt = Date.now();
  const log = options.log ?? (() => undefined);
  const resolution = options.resolution ?? 0.1;
  const trials: FindMaxTrial[] = [];
  let best: LoopFigures | undefined;
  let passing = 0;
  let failing: number | undefined;
  let next = Math.min(options.machines, options.maxMachines);

  while (next > passing && (failing === undefined || next < failing)) {
    const trialStart = Date.now();
    log(`find-max: trying ${next} machines (passing so far ${passing}, failing ${failing ?? '-'})`);
    const { ours } = await runScale({ ...options, machines: next, loops: ['ours'] });
    const passed = meetsLatencyTarget(ours);
    trials.push({
      machines: next,
      passed,
      p99Ms: ours.lateness.p99Ms,
      missedTicks: ours.missedTicks,
      workerCpuSecondsPer1000Checks: ours.workerCpuSecondsPer1000Checks,
      workerRssMb: ours.workerRssMb,
      seconds: (Date.now() - trialStart) / 1000,
      loadAverageAtEnd: ours.loadAverage.end,
    });
    log(`find-max: ${next} machines ${passed ? 'passed' : 'failed'} (p99 ${ours.lateness.p99Ms} ms, missed ${ours.missedTicks})`);
    if (passed) {
      passing = next;
      best = ours;
    } else {
      failing = next;
    }
    next = nextTrial(passing, failing, options.maxMachines, resolution);
  }

  return {
    tick: formatDuration(options.tickMs),
    criterion: `p99 lateness < ${LATENESS_TARGET_MS} ms and 0 missed ticks over ${options.cycles} measured ticks`,
    maxMachines: passing,
    machinesAt60sEquivalent: Math.floor((passing * 60_000) / options.tickMs),
    best,
    trials,
    durationSeconds: (Date.now() - startedAt) / 1000,
  };
}

/** Doubling until the first failure, then bisection; returns `passing` itself when done. */
export function nextTrial(passing: number, failing: number | undefined, maxMachines: number, resolution: number): number {
  if (failing === undefined) return passing >= maxMachines ? passing : Math.min(passing * 2, maxMachines);
  const gap = failing - passing;
  if (gap <= Math.max(50, passing * resolution)) return passing;
  return passing + Math.round(gap / 2);
}
