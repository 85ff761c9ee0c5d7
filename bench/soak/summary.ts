/** The printed side of the soak report: a table of ticks and the verdict on every criterion. */
import { formatTable } from '../lib/report';
import { mb } from './criteria';
import type { SoakReport } from './run';

/** Every tick of a short run; every fifth (and the last) of a long one. Samples marked * follow a full collection. */
const ROWS_SHOWN_IN_FULL = 20;

export function soakSummary(report: SoakReport): string {
  const { analysis, options } = report;
  const step = analysis.ticks.length <= ROWS_SHOWN_IN_FULL ? 1 : 5;
  const rows = analysis.ticks
    .filter((row, index) => index % step === 0 || index === analysis.ticks.length - 1)
    .map((row) => [
      `${row.tick}${row.sample.collected ? '*' : ''}`,
      row.checks,
      Object.values(row.failuresByType).reduce((sum, n) => sum + n, 0),
      row.failuresByType.DeviceTimeoutError ?? 0,
      row.healthyLateness.p50Ms,
      row.healthyLateness.maxMs,
      row.healthyMissed,
      row.sample.rssBytes === undefined ? undefined : Number(mb(row.sample.rssBytes)),
      row.sample.heapUsedBytes === undefined ? undefined : Number(mb(row.sample.heapUsedBytes)),
      row.sample.workflowHeapUsedBytes === undefined ? undefined : Number(mb(row.sample.workflowHeapUsedBytes)),
      row.sample.openFds,
      row.sample.activeResourceCount,
      row.sample.activitySlotsUsed,
      row.sample.workflowTaskSlotsUsed,
      row.sample.runningWorkflows,
      row.sample.largestHistoryLength,
    ]);
  const table = formatTable(
    ['tick', 'checks', 'failed', 'timeouts', 'late p50 ms', 'late max ms', 'missed', 'rss MB', 'heap MB', 'wf heap MB', 'fds', 'handles', 'slots', 'wft slots', 'running', 'max history'],
    rows,
  );
  const { cpu } = analysis;
  const cpuLine =
    `${cpu.checks} checks; CPU over the window: worker ${cpu.workerSeconds} s (${cpu.workerMsPerCheck} ms a check), ` +
    `Temporal server ${cpu.serverSeconds} s (${cpu.serverMsPerCheck} ms a check), simulator ${cpu.simulatorSeconds} s; ` +
    `load average ${report.host.loadAverageAtStart[0]?.toFixed(1)} at the start, ${report.host.loadAverageAtEnd[0]?.toFixed(1)} at the end on ${report.host.cpus} CPUs`;
  const perTick = Object.entries(analysis.historyPerTick)
    .map(([role, cost]) => `${role} ${cost.events} events, ${cost.workflowTasks} workflow tasks`)
    .join('; ');
  const verdicts = analysis.criteria.map((criterion) => `${criterion.passed ? 'PASS' : 'FAIL'}  ${criterion.name}: ${criterion.detail}`);
  return [
    `soak: ${options.machines} machines (${options.hung} hung), tick ${options.tick}, ${options.cycles} ticks measured after ${options.warmup} warm-up`,
    '',
    table,
    '* sampled right after a full garbage collection in every thread of the worker',
    cpuLine,
    `a tick in history, by machine role: ${perTick}`,
    '',
    ...verdicts,
    '',
    report.passed ? 'soak passed' : 'soak FAILED',
  ].join('\n');
}
