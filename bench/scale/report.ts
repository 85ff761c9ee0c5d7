/**
 * The scale report: our figures first (the headline fields), the two references beside them,
 * ours as ratios to each, and the targets judged from the figures, plus a printed table.
 */
import { DEFAULT_TICKS_PER_RUN } from '../../workflows/machine/contract';
import { cpus, loadavg, totalmem } from 'node:os';
import { formatDuration } from '../../domain/duration';
import type { LoopFigures } from './measure';
import type { ScaleOptions, ScaleRun } from './run';

export interface Ratios {
  latenessP50: number | null;
  latenessP99: number | null;
  latenessMax: number | null;
  workerCpuPer1000Checks: number | null;
  totalCpuPer1000Checks: number | null;
  workerRssMb: number | null;
  historyEventsPerTick: number | null;
}

export interface TargetVerdict {
  /** null: this run cannot tell (e.g. fewer than 5,000 machines). */
  met: boolean | null;
  detail: string;
}

export interface ScaleReport {
  benchmark: 'scale';
  startedAt: string;
  finishedAt: string;
  settings: {
    machines: number;
    tick: string;
    cycles: number;
    warmup: string;
    workers: number;
    maxActivities: number;
    database: string;
    ticksPerRun: number;
    workerOptions?: Record<string, unknown>;
    workerEnv?: Record<string, string>;
    withAspects: boolean;
  };
  host: { cpus: number; memoryMb: number; node: string; loadAverageAtStart: number[] };
  lateness: LoopFigures['lateness'];
  missedTicks: number;
  workerCpuSecondsPer1000Checks: number;
  workerRssMb: number;
  ours: LoopFigures;
  references: { minimalTemporalLoop?: LoopFigures; plainNodeLoop?: LoopFigures; minimalLocalActivityLoop?: LoopFigures };
  ratios: { toMinimalTemporalLoop?: Ratios; toPlainNodeLoop?: Ratios };
  /** Loops that could not be measured, and why. */
  failedLoops: ScaleRun['failures'];
  targets: Record<string, TargetVerdict>;
}

export const LATENESS_TARGET_MS = 5_000;
const FLEET_TARGET = 5_000;
const PRODUCTION_TICK_MS = 60_000;
const RSS_TARGET_MB_PER_1000 = 150;
/** Memory counts as flat when it grew less than this over the window. */
const RSS_FLAT_GROWTH = 0.1;
const COST_TARGET_RATIO = 1.25;

export function databaseDescription(db: ScaleOptions['db']): string {
  return (db ?? 'file') === 'file' ? 'SQLite file, journal_mode=WAL, synchronous=NORMAL' : 'in memory';
}

export function hostFacts(): ScaleReport['host'] {
  return { cpus: cpus().length, memoryMb: Math.round(totalmem() / 2 ** 20), node: process.version, loadAverageAtStart: loadavg().map(round2) };
}

export function buildReport(options: ScaleOptions, run: ScaleRun, startedAt: Date, host: ScaleReport['host']): ScaleReport {
  const { ours, minimal, plain } = run;
  const minimalLocal = run['minimal-local'];
  return {
    benchmark: 'scale',
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    settings: {
      machines: options.machines,
      tick: formatDuration(options.tickMs),
      cycles: options.cycles,
      warmup: formatDuration(options.warmupMs ?? options.tickMs),
      workers: options.workers ?? 1,
      maxActivities: options.maxActivities ?? 200,
      database: databaseDescription(options.db),
      ticksPerRun: options.ticksPerRun ?? DEFAULT_TICKS_PER_RUN,
      workerOptions: options.workerOptions,
      workerEnv: options.workerEnv,
      withAspects: options.withAspects === true,
    },
    host,
    lateness: ours.lateness,
    missedTicks: ours.missedTicks,
    workerCpuSecondsPer1000Checks: ours.workerCpuSecondsPer1000Checks,
    workerRssMb: ours.workerRssMb,
    ours,
    references: { minimalTemporalLoop: minimal, plainNodeLoop: plain, minimalLocalActivityLoop: minimalLocal },
    ratios: {
      toMinimalTemporalLoop: minimal && ratiosOf(ours, minimal),
      toPlainNodeLoop: plain && ratiosOf(ours, plain),
    },
    failedLoops: run.failures,
    targets: judgeTargets(ours, minimal),
  };
}

function ratiosOf(ours: LoopFigures, reference: LoopFigures): Ratios {
  return {
    latenessP50: ratio(ours.lateness.p50Ms, reference.lateness.p50Ms),
    latenessP99: ratio(ours.lateness.p99Ms, reference.lateness.p99Ms),
    latenessMax: ratio(ours.lateness.maxMs, reference.lateness.maxMs),
    workerCpuPer1000Checks: ratio(ours.workerCpuSecondsPer1000Checks, reference.workerCpuSecondsPer1000Checks),
    totalCpuPer1000Checks: ratio(ours.totalCpuSecondsPer1000Checks, reference.totalCpuSecondsPer1000Checks),
    workerRssMb: ratio(ours.workerRssMb, reference.workerRssMb),
    historyEventsPerTick: ratio(ours.historyEventsPerTick, reference.historyEventsPerTick),
  };
}

/** null where the reference is zero or absent: a ratio to nothing says nothing. */
function ratio(ours: number | undefined, reference: number | undefined): number | null {
  if (ours === undefined || reference === undefined || !Number.isFinite(ours) || !Number.isFinite(reference) || reference === 0) return null;
  return round2(ours / reference);
}

export function meetsLatencyTarget(figures: LoopFigures): boolean {
  return figures.lateness.p99Ms < LATENESS_TARGET_MS && figures.missedTicks === 0;
}

function judgeTargets(ours: LoopFigures, minimal: LoopFigures | undefined): Record<string, TargetVerdict> {
  const atScale = ours.machines >= FLEET_TARGET && ours.tickMs === PRODUCTION_TICK_MS;
  const onTime = meetsLatencyTarget(ours);
  const trend = ours.workerRssTrendMb;
  const growth = (trend.end - trend.start) / trend.start;
  const workerCost = minimal && ratio(ours.workerCpuSecondsPer1000Checks, minimal.workerCpuSecondsPer1000Checks);
  const totalCost = minimal && ratio(ours.totalCpuSecondsPer1000Checks, minimal.totalCpuSecondsPer1000Checks);
  return {
    fiveThousandMachinesAt60s: {
      met: atScale ? onTime : null,
      detail:
        `${ours.machines} machines at ${formatDuration(ours.tickMs)}: p99 lateness ${ours.lateness.p99Ms} ms (target < ${LATENESS_TARGET_MS}), ` +
        `${ours.missedTicks} missed ticks (target 0)${atScale ? '' : '; judged only at 5,000+ machines and the 60 s tick'}`,
    },
    workerRssUnder150MbPer1000Machines: {
      met: ours.machines >= 1_000 ? ours.workerRssMbPer1000Machines < RSS_TARGET_MB_PER_1000 : null,
      detail:
        `${ours.workerRssMbPer1000Machines.toFixed(0)} MB per 1,000 machines (${ours.workerRssMb.toFixed(0)} MB peak)` +
        (ours.machines >= 1_000 ? '' : '; below 1,000 machines the fixed size of a worker dominates, judged from 1,000 up'),
    },
    workerRssFlat: {
      met: growth < RSS_FLAT_GROWTH,
      detail: `${trend.start.toFixed(0)} MB at the window's start, ${trend.end.toFixed(0)} MB at its end (${(growth * 100).toFixed(1)}%), peak ${trend.max.toFixed(0)} MB`,
    },
    perCheckCostWithin125xOfMinimalLoop: {
      met: workerCost == null || totalCost == null ? null : workerCost <= COST_TARGET_RATIO && totalCost <= COST_TARGET_RATIO,
      detail:
        workerCost == null
          ? 'needs the minimal Temporal loop in the same run'
          : `worker CPU ${workerCost}x, worker + server CPU ${totalCost}x the minimal loop's per check (target <= ${COST_TARGET_RATIO}x)`,
    },
  };
}

const ROWS: { label: string; value: (figures: LoopFigures) => number | undefined; ratioKey?: keyof Ratios; digits?: number }[] = [
  { label: 'checks (expected)', value: (f) => f.checks },
  { label: 'missed ticks', value: (f) => f.missedTicks },
  { label: 'lateness p50 ms', value: (f) => f.lateness.p50Ms, ratioKey: 'latenessP50' },
  { label: 'lateness p99 ms', value: (f) => f.lateness.p99Ms, ratioKey: 'latenessP99' },
  { label: 'lateness max ms', value: (f) => f.lateness.maxMs, ratioKey: 'latenessMax' },
  { label: 'worker CPU s / 1000 checks', value: (f) => f.workerCpuSecondsPer1000Checks, ratioKey: 'workerCpuPer1000Checks', digits: 2 },
  { label: 'server CPU s / 1000 checks', value: (f) => f.serverCpuSecondsPer1000Checks, digits: 2 },
  { label: 'total CPU s / 1000 checks', value: (f) => f.totalCpuSecondsPer1000Checks, ratioKey: 'totalCpuPer1000Checks', digits: 2 },
  { label: 'worker RSS MB (peak)', value: (f) => f.workerRssMb, ratioKey: 'workerRssMb' },
  { label: 'worker RSS MB / 1000 machines', value: (f) => f.workerRssMbPer1000Machines },
  { label: 'server RSS MB (peak)', value: (f) => f.serverRssMb },
  { label: 'history events / tick', value: (f) => f.historyEventsPerTick, ratioKey: 'historyEventsPerTick', digits: 1 },
  { label: 'start calls s', value: (f) => f.startupSeconds, digits: 1 },
  { label: 'all checked once s', value: (f) => f.firstChecksSeconds, digits: 1 },
];

export function formatTable(report: ScaleReport): string {
  const { ours } = report;
  const { minimalTemporalLoop: minimal, plainNodeLoop: plain, minimalLocalActivityLoop: minimalLocal } = report.references;
  const columns: [string, LoopFigures | undefined][] = [
    ['ours', ours],
    ['minimal Temporal', minimal],
    ['plain Node', plain],
    ...(minimalLocal ? [['minimal, local activity', minimalLocal] as [string, LoopFigures]] : []),
  ];
  const header = ['', ...columns.map(([name]) => name), 'ours/minimal', 'ours/plain'];
  const cell = (value: number | null | undefined, digits = 0): string =>
    value === undefined || value === null || !Number.isFinite(value) ? '-' : value.toFixed(digits);
  const rows = ROWS.map(({ label, value, ratioKey, digits }) => [
    label === 'checks (expected)' ? `checks (of ${ours.expectedChecks})` : label,
    ...columns.map(([, figures]) => (figures ? cell(value(figures), digits) : '-')),
    ratioKey ? cell(report.ratios.toMinimalTemporalLoop?.[ratioKey], 2) : '',
    ratioKey ? cell(report.ratios.toPlainNodeLoop?.[ratioKey], 2) : '',
  ]);
  const widths = header.map((_, column) => Math.max(...[header, ...rows].map((row) => (row[column] as string).length)));
  const line = (row: string[]): string => row.map((text, column) => (column === 0 ? text.padEnd(widths[column] as number) : text.padStart(widths[column] as number))).join('  ');
  const load = ([name, figures]: [string, LoopFigures | undefined]): string =>
    figures ? `${name} ${figures.loadAverage.end.map((value) => value.toFixed(2)).join(' ')}` : '';
  return [
    `scale: ${ours.machines} machines, tick ${report.settings.tick}, ${ours.cycles} measured ticks, ${ours.workers} worker(s), database ${report.settings.database}`,
    line(header),
    ...rows.map(line),
    ...columns.flatMap(([, figures]) => (figures && figures.loop !== 'plain' ? workerLines(figures) : [])),
    `load average (1/5/15 min) at the end: ${columns.map(load).filter(Boolean).join('; ')}; ${report.host.cpus} CPUs`,
    ...Object.entries(report.failedLoops).map(([loop, why]) => `NOT MEASURED ${loop}: ${why}`),
    ...Object.entries(report.targets).map(([name, verdict]) => `${verdict.met === null ? 'n/a ' : verdict.met ? 'MET ' : 'MISS'} ${name}: ${verdict.detail}`),
  ].join('\n');
}

/** Who did what when workers share the task queue, and how the sticky cache held up. */
function workerLines(figures: LoopFigures): string[] {
  return figures.perWorker.map(
    (worker, index) =>
      `${figures.loop} worker ${index + 1} (pid ${worker.pid}): ${worker.activityTasks ?? '-'} activity tasks, ` +
      `${worker.workflowTasks ?? '-'} workflow tasks, ${worker.cpuSeconds.toFixed(1)} CPU s, peak ${worker.rssMb.max.toFixed(0)} MB; ` +
      `sticky cache ${worker.stickyCacheSize ?? '-'} workflows, ${worker.stickyCacheMisses ?? '-'} misses, ` +
      `${worker.stickyCacheForcedEvictions ?? '-'} forced evictions`,
  );
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
