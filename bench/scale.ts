/**
 * `npm run bench:scale`: how many machines one box keeps on schedule, and what each check costs
 * against a minimal Temporal loop and a plain Node loop on the same devices. See BENCHMARKS.md.
 *
 *   npm run bench:scale -- --machines 1000 --tick 60s --cycles 3 --out scale.json
 *   npm run bench:scale -- --find-max --tick 10s --cycles 3
 */
import { DEFAULT_TICKS_PER_RUN } from '../workflows/machine/contract';
import { FlagError, parseFlags, runBenchmarkCommand, type FlagSpec } from './lib/flags';
import { writeReportIfAsked } from './lib/report';
import { DB_FLAG, OUT_FLAG, TICK_FLAG, WARMUP_FLAG } from './scale/flags';
import { findMax, type FindMaxResult } from './scale/find-max';
import type { LoopName } from './scale/loops';
import { buildReport, databaseDescription, formatTable, hostFacts } from './scale/report';
import { databaseModeOf, LOOP_ORDER, runScale, type ScaleOptions } from './scale/run';

const FLAGS = {
  machines: { type: 'integer', default: 500, min: 1, help: 'simulated machines (the first size tried with --find-max)' },
  tick: TICK_FLAG,
  cycles: { type: 'integer', default: 3, min: 1, help: 'measured ticks per loop' },
  warmup: WARMUP_FLAG,
  workers: { type: 'integer', default: 1, min: 1, help: 'worker processes on the task queue' },
  'max-activities': { type: 'integer', default: 200, min: 1, help: 'WORKER_MAX_ACTIVITIES of each worker' },
  db: DB_FLAG,
  loops: { type: 'string', default: 'ours,minimal,plain', help: 'loops to run (ours always runs; minimal-local is an experiment)' },
  'ticks-per-run': { type: 'integer', default: DEFAULT_TICKS_PER_RUN, min: 1, help: 'continue-as-new period of the Temporal loops, in ticks' },
  'worker-heap': { type: 'integer', default: 0, min: 0, help: 'our worker\'s --max-old-space-size in MB (sizes the SDK\'s sticky cache); 0: Node\'s default' },
  'worker-options': { type: 'string', help: 'SDK worker options for our worker as JSON, e.g. \'{"maxCachedWorkflows":1000}\' (an experiment)' },
  aspects: { type: 'boolean', help: 'every machine also declares two aspects (volume, playlist), read in the same request as its power' },
  'history-sample': { type: 'integer', default: 20, min: 1, help: 'workflows whose histories are read for events per tick' },
  'find-max': { type: 'boolean', help: 'search the largest fleet with p99 lateness < 5 s and no missed tick' },
  'max-machines': { type: 'integer', default: 20_000, min: 1, help: 'upper bound of --find-max' },
  out: OUT_FLAG,
} satisfies Record<string, FlagSpec>;


async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2), FLAGS);
  const db = databaseModeOf(flags.db);
  const loops = flags.loops.split(',').map((name) => name.trim()) as LoopName[];
  const unknown = loops.filter((name) => !LOOP_ORDER.includes(name));
  if (unknown.length > 0) throw new FlagError(`--loops: unknown ${unknown.join(', ')}; expected some of ${LOOP_ORDER.join(', ')}`);

  const options: ScaleOptions = {
    machines: flags.machines,
    tickMs: flags.tick,
    cycles: flags.cycles,
    warmupMs: flags.warmup || undefined,
    workers: flags.workers,
    maxActivities: flags['max-activities'],
    db,
    loops,
    ticksPerRun: flags['ticks-per-run'],
    historySample: flags['history-sample'],
    withAspects: flags.aspects === true,
    workerOptions: flags['worker-options'] === undefined ? undefined : parseWorkerOptions(flags['worker-options']),
    workerEnv: flags['worker-heap'] > 0 ? { NODE_OPTIONS: `--max-old-space-size=${flags['worker-heap']}` } : undefined,
    log: (line) => console.error(`${new Date().toISOString().slice(11, 19)} ${line}`),
  };
  const startedAt = new Date();
  const host = hostFacts();

  if (flags['find-max']) {
    const result = await findMax({ ...options, maxMachines: flags['max-machines'] });
    console.log(formatFindMax(result, options));
    await writeReportIfAsked(flags.out, { benchmark: 'scale-find-max', startedAt: startedAt.toISOString(), host, database: databaseDescription(db), ...result });
    return;
  }
  const report = buildReport(options, await runScale(options), startedAt, host);
  console.log(formatTable(report));
  await writeReportIfAsked(flags.out, report);
}

function parseWorkerOptions(text: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // Reported below with the flag's name.
  }
  throw new FlagError(`--worker-options: expected a JSON object, got ${text}`);
}

function formatFindMax(result: FindMaxResult, options: ScaleOptions): string {
  return [
    `find-max at tick ${result.tick} (${options.workers ?? 1} worker(s)): ${result.criterion}`,
    ...result.trials.map(
      (trial) =>
        `  ${String(trial.machines).padStart(6)} machines: ${trial.passed ? 'pass' : 'FAIL'}  p99 ${trial.p99Ms} ms, ` +
        `missed ${trial.missedTicks}, worker ${trial.workerCpuSecondsPer1000Checks.toFixed(2)} CPU s/1000 checks, ` +
        `${trial.workerRssMb.toFixed(0)} MB, ${trial.seconds.toFixed(0)} s, load ${trial.loadAverageAtEnd.join(' ')}`,
    ),
    `largest passing: ${result.maxMachines} machines (${result.machinesAt60sEquivalent} at the 60 s tick by proportion); search took ${(result.durationSeconds / 60).toFixed(1)} min`,
  ].join('\n');
}

runBenchmarkCommand('npm run bench:scale --', FLAGS, main);
