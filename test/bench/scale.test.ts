import { describe, expect, it } from 'vitest';
import { tickOffsetMs } from '../../domain/tick';
import { nextTrial } from '../../bench/scale/find-max';
import { assessSlots } from '../../bench/scale/lateness';
import type { LoopFigures } from '../../bench/scale/measure';
import { buildReport, formatTable, hostFacts } from '../../bench/scale/report';
import { runScale, type ScaleOptions } from '../../bench/scale/run';

const TICK_MS = 2_000;

describe('slot assessment', () => {
  const machineId = 'm-1';
  const offsetMs = tickOffsetMs(machineId, TICK_MS);
  const fromMs = 1_000_000 * TICK_MS;
  const slot = (k: number) => fromMs + offsetMs + k * TICK_MS;

  it('when every slot gets a request, then lateness is arrival minus slot and nothing is missed', () => {
    const outcome = assessSlots({ machineIds: [machineId], tickMs: TICK_MS, fromMs, untilMs: fromMs + 3 * TICK_MS }, [
      { machineId, atMs: slot(0) + 10 },
      { machineId, atMs: slot(1) + 30 },
      { machineId, atMs: slot(2) + 20 },
    ]);
    expect(outcome).toMatchObject({ expectedSlots: 3, servedSlots: 3, missedTicks: 0, extraRequests: 0 });
    expect(outcome.lateness).toEqual({ p50Ms: 20, p99Ms: 30, maxMs: 30 });
  });

  it('when a check comes later than a tick, then its slot counts as missed and a retry as extra', () => {
    const outcome = assessSlots({ machineIds: [machineId], tickMs: TICK_MS, fromMs, untilMs: fromMs + 3 * TICK_MS }, [
      { machineId, atMs: slot(0) + 5 },
      { machineId, atMs: slot(0) + 900 },
      { machineId, atMs: slot(2) + TICK_MS / 2 },
    ]);
    expect(outcome).toMatchObject({ expectedSlots: 3, servedSlots: 2, missedTicks: 1, extraRequests: 1 });
    expect(outcome.lateness.maxMs).toBe(TICK_MS / 2);
    expect(outcome.servedPerTick).toEqual([1, 0, 1]);
  });
});

describe('find-max search', () => {
  it('when trials pass, then the fleet doubles up to the bound; after a failure it bisects until the gap is small', () => {
    expect(nextTrial(500, undefined, 20_000, 0.1)).toBe(1_000);
    expect(nextTrial(16_000, undefined, 20_000, 0.1)).toBe(20_000);
    expect(nextTrial(20_000, undefined, 20_000, 0.1)).toBe(20_000);
    expect(nextTrial(4_000, 8_000, 20_000, 0.1)).toBe(6_000);
    expect(nextTrial(6_000, 6_400, 20_000, 0.1)).toBe(6_000);
  });
});

describe('npm run bench:scale, a tiny run', () => {
  it('when 20 machines run 3 ticks of 2 s in every loop, then the report holds every figure as a finite number', { timeout: 300_000 }, async () => {
    const options: ScaleOptions = { machines: 20, tickMs: TICK_MS, cycles: 3 };
    const report = buildReport(options, await runScale(options), new Date(), hostFacts());

    const loops = [report.ours, report.references.minimalTemporalLoop, report.references.plainNodeLoop];
    for (const figures of loops) {
      expect(figures).toBeDefined();
      expectFiguresFinite(figures as LoopFigures);
    }
    expect(report.lateness).toEqual(report.ours.lateness);
    for (const value of [report.lateness.p50Ms, report.lateness.p99Ms, report.lateness.maxMs, report.missedTicks, report.workerCpuSecondsPer1000Checks, report.workerRssMb]) {
      expect(Number.isFinite(value)).toBe(true);
    }
    expect(report.ours.historyEventsPerTick).toBeGreaterThan(0);
    expect(report.references.minimalTemporalLoop?.historyEventsPerTick).toBeGreaterThan(0);
    expect(report.ours.perWorker[0]?.workflowTasks).toBeGreaterThan(0);
    for (const ratios of [report.ratios.toMinimalTemporalLoop, report.ratios.toPlainNodeLoop]) {
      expect(Number.isFinite(ratios?.workerCpuPer1000Checks)).toBe(true);
      expect(Number.isFinite(ratios?.workerRssMb)).toBe(true);
    }
    expect(Object.keys(report.targets)).toEqual([
      'fiveThousandMachinesAt60s',
      'workerRssUnder150MbPer1000Machines',
      'workerRssFlat',
      'perCheckCostWithin125xOfMinimalLoop',
    ]);
    expect(formatTable(report)).toContain('lateness p99 ms');
  });
});

function expectFiguresFinite(figures: LoopFigures): void {
  expect(figures.machines).toBe(20);
  expect(figures.checks).toBeGreaterThan(0);
  const numbers = {
    p50Ms: figures.lateness.p50Ms,
    p99Ms: figures.lateness.p99Ms,
    maxMs: figures.lateness.maxMs,
    missedTicks: figures.missedTicks,
    workerCpuSeconds: figures.workerCpuSeconds,
    workerCpuSecondsPer1000Checks: figures.workerCpuSecondsPer1000Checks,
    workerRssMb: figures.workerRssMb,
    workerRssMbPer1000Machines: figures.workerRssMbPer1000Machines,
    serverCpuSecondsPer1000Checks: figures.serverCpuSecondsPer1000Checks,
    totalCpuSecondsPer1000Checks: figures.totalCpuSecondsPer1000Checks,
    simulatorCpuSeconds: figures.simulatorCpuSeconds,
  };
  for (const [name, value] of Object.entries(numbers)) expect(Number.isFinite(value), `${figures.loop} ${name} = ${value}`).toBe(true);
}
