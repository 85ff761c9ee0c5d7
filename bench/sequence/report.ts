/** The opening benchmark's JSON report and its table. */
import { formatDuration } from '../../domain/duration';
import { formatTable as tableOf } from '../lib/report';
import { databaseDescription, hostFacts } from '../scale/report';
import type { PhaseMessages } from './messages';
import type { SequenceOptions, SequenceRun, VariantFigures } from './run';

export interface SequenceReport {
  benchmark: 'sequence';
  startedAt: string;
  finishedAt: string;
  settings: { machines: number; tick: string; recheck: string; boot: string; cycles: number; warmup: string; database: string };
  host: ReturnType<typeof hostFacts>;
  venue: { levels: { level: string; machines: number; needsOneOf?: string; fanOut?: number }[] };
  variants: (VariantFigures & { messagesPerMachine: { opening: number; steadyPerTick: number } })[];
}

export function buildReport(options: SequenceOptions, run: SequenceRun, startedAt: Date, host: SequenceReport['host']): SequenceReport {
  return {
    benchmark: 'sequence',
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    settings: settingsOf(options),
    host,
    venue: {
      levels: run.plan.levels.map((level, index) => {
        const below = run.plan.levels[index - 1];
        return { level: level.name, machines: level.ids.length, ...(below && { needsOneOf: below.name, fanOut: level.ids.length / below.ids.length }) };
      }),
    },
    variants: run.variants.map((variant) => ({ ...variant, messagesPerMachine: messagesPerMachine(variant, options.machines) })),
  };
}

function settingsOf(options: SequenceOptions): SequenceReport['settings'] {
  const { machines, cycles } = options;
  const tick = formatDuration(options.tickMs);
  const warmup = formatDuration(options.warmupMs ?? options.tickMs);
  return { machines, tick, recheck: formatDuration(options.recheckMs), boot: formatDuration(options.bootMs), cycles, warmup, database: databaseDescription(options.db) };
}

function messagesPerMachine(variant: VariantFigures, machines: number): { opening: number; steadyPerTick: number } {
  const received = (phase: string) => variant.messages.phases.find((entry: PhaseMessages) => entry.phase === phase)?.signalsReceived ?? 0;
  const ticks = (variant.steady.window.seconds * 1000) / variant.steady.tickMs;
  return { opening: received('opening') / machines, steadyPerTick: received('steady') / machines / ticks };
}

export function formatTable(report: SequenceReport): string {
  const levelNames = report.venue.levels.map((level) => level.level);
  const headers = [
    'venue',
    'opening s',
    'bound s',
    'held',
    ...levelNames.map((name) => `${name} on s`),
    'violations (after wait)',
    'signals/machine opening',
    'signals/machine/tick',
    'sent opening/steady',
    'events/tick',
    'worker ms/check',
    'server ms/check',
    'missed',
    'load start-end',
  ];
  const rows = report.variants.map((variant) => {
    const phase = (name: string) => variant.messages.phases.find((entry) => entry.phase === name);
    return [
      variant.dependencies ? 'dependencies' : 'none',
      variant.opening.seconds ?? `${variant.opening.devicesOn}/${variant.opening.devices} on`,
      variant.bound.boundSeconds,
      variant.boundHeld === null ? '-' : variant.boundHeld ? 'yes' : 'NO',
      ...variant.opening.levels.map((level) => level.lastOnSeconds),
      `${variant.opening.orderViolations} (${variant.opening.orderViolationsAfterWait})`,
      round(variant.messagesPerMachine.opening, 2),
      round(variant.messagesPerMachine.steadyPerTick, 3),
      `${phase('opening')?.signalsSent ?? 0}/${phase('steady')?.signalsSent ?? 0}`,
      variant.steady.historyEventsPerTick,
      round(variant.steady.workerCpuSecondsPer1000Checks, 2),
      round(variant.steady.serverCpuSecondsPer1000Checks, 2),
      variant.steady.missedTicks,
      `${variant.loadAverage.atStart[0]}-${variant.loadAverage.atEnd[0]}`,
    ];
  });
  const { settings } = report;
  return [
    `opening of ${settings.machines} machines (${report.venue.levels.map((level) => `${level.machines} ${level.level}`).join(', ')}), tick ${settings.tick}, recheck ${settings.recheck}, boot ${settings.boot}; steady state over ${settings.cycles} tick(s)`,
    tableOf(headers, rows),
  ].join('\n');
}

/** Shown as text so the table keeps the digits that matter for small figures. */
function round(value: number, digits: number): string {
  return Number.isFinite(value) ? value.toFixed(digits) : '-';
}
