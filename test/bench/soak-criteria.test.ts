import { describe, expect, it } from 'vitest';
import type { ActivityRecord, WorkflowTaskRecord } from '../../harness/activity-history';
import type { DeviceConnection } from '../../harness/device-events';
import { analyseSoak, type SoakFacts } from '../../bench/soak/analyse';
import type { WorkerSample } from '../../bench/soak/samples';
import { tickOffsetMs } from '../../domain/tick';
import { machine, pjlinkDriver } from '../support/specs';

const TICK_MS = 1_000;
const CYCLES = 8;
const WINDOW_START = 1_800_000_000_000;
const healthy = machine('ok-1', pjlinkDriver(4352), { tickMs: TICK_MS });
const hung = machine('hung-1', pjlinkDriver(4352), { tickMs: TICK_MS });
const MB = 1024 * 1024;

function slot(id: string, tick: number): number {
  return WINDOW_START + tick * TICK_MS + tickOffsetMs(id, TICK_MS);
}

/** A run that meets every criterion: flat samples, timely checks, hung calls cut at one second. */
function goodRun(): SoakFacts {
  const ticks = Array.from({ length: CYCLES }, (_, tick) => tick);
  const samples: WorkerSample[] = Array.from({ length: CYCLES + 1 }, (_, tick) => ({
    tick,
    at: WINDOW_START + tick * TICK_MS,
    rssBytes: 400 * MB,
    openFds: 40,
    activitySlotsUsed: 2,
    runningWorkflows: 2,
    collected: tick === 0 || tick === CYCLES / 2 || tick === CYCLES,
    errors: [],
  }));
  const hungProbe = (tick: number): ActivityRecord => ({
    workflowId: 'machine-hung-1',
    runId: 'run',
    activityType: 'probePower',
    local: true,
    scheduledAt: slot('hung-1', tick) + 5,
    attempts: 1,
    closedAt: slot('hung-1', tick) + 1_010,
    outcome: 'failed',
    failureType: 'DeviceTimeoutError',
  });
  const workflowTask = (id: string, tick: number): WorkflowTaskRecord => ({
    workflowId: `machine-${id}`,
    runId: `run-${id}`,
    startedAt: slot(id, tick) + 2,
    durationMs: id === 'hung-1' ? 1_020 : 12,
    outcome: 'completed',
  });
  const connection = (id: string, tick: number, heldMs: number): DeviceConnection => ({ device: id, openedAt: slot(id, tick) + 8, closedAt: slot(id, tick) + 8 + heldMs });
  return {
    tickMs: TICK_MS,
    windowStart: WINDOW_START,
    cycles: CYCLES,
    machines: [
      { spec: healthy, role: 'healthy' },
      { spec: hung, role: 'hung' },
    ],
    samples,
    activities: ticks.map(hungProbe),
    workflowTasks: ticks.flatMap((tick) => [workflowTask('ok-1', tick), workflowTask('hung-1', tick)]),
    historyLengths: [
      { workflowId: 'machine-ok-1', runId: 'run-ok-1', events: 6 * CYCLES + 3, timers: CYCLES },
      { workflowId: 'machine-hung-1', runId: 'run-hung-1', events: 10 * CYCLES + 3, timers: CYCLES },
    ],
    devices: {
      connections: new Map([
        ['ok-1', ticks.map((tick) => connection('ok-1', tick, 3))],
        ['hung-1', ticks.map((tick) => connection('hung-1', tick, 1_000))],
      ]),
      commands: new Map(),
    },
    missedTicksAtStart: new Map([['ok-1', 0]]),
    missedTicksAtEnd: new Map([['ok-1', 0]]),
    runningAtEnd: 2,
  };
}

function failedCriteria(facts: SoakFacts): string[] {
  return analyseSoak(facts).criteria.filter((criterion) => !criterion.passed).map((criterion) => criterion.name);
}

describe('soak criteria', () => {
  it('when every witness agrees the run was clean, then every criterion passes', () => {
    const analysis = analyseSoak(goodRun());
    expect(analysis.criteria.filter((criterion) => !criterion.passed)).toEqual([]);
    expect(analysis.passed).toBe(true);
    expect(analysis.healthy.lateness).toMatchObject({ count: CYCLES, maxMs: 8 });
  });

  it('when the worker leaks a descriptor and a slot every tick, then the no-growth criteria fail', () => {
    const facts = goodRun();
    for (const sample of facts.samples) {
      sample.openFds! += 2 * sample.tick;
      sample.activitySlotsUsed! += sample.tick;
    }
    expect(failedCriteria(facts)).toEqual(expect.arrayContaining(['open descriptors do not grow', 'activity slots do not grow']));
  });

  it('when more calls happen to be in flight late in the window but the quiet moments stay at the baseline, then no growth is reported', () => {
    const facts = goodRun();
    for (const sample of facts.samples) sample.activitySlotsUsed = sample.tick % 2 === 0 ? 2 : sample.tick > 15 ? 9 : 4;
    expect(failedCriteria(facts)).toEqual([]);
  });

  it('when descriptors pile up beyond what in-flight calls explain, then the back-to-baseline criterion fails', () => {
    const facts = goodRun();
    facts.samples[5]!.openFds = 40 + 50;
    expect(failedCriteria(facts)).toContain('open descriptors back to baseline every tick');
  });

  it('when live memory grows 15% over the second half, then the memory criterion fails', () => {
    const facts = goodRun();
    facts.samples.at(-1)!.rssBytes = 460 * MB;
    expect(failedCriteria(facts)).toEqual(['resident memory grows < 10% over the second half']);
  });

  it('when memory saws up and down between collections but is flat after each, then the memory criterion passes', () => {
    const facts = goodRun();
    for (const sample of facts.samples) if (!sample.collected) sample.rssBytes = (400 + 20 * sample.tick) * MB;
    expect(failedCriteria(facts)).toEqual([]);
  });

  it('when a hung call is held past its deadline by more than a second, or fails otherwise, then the hung criterion fails', () => {
    const heldTooLong = goodRun();
    heldTooLong.devices.connections.get('hung-1')![3]!.closedAt! += 5_000;
    expect(failedCriteria(heldTooLong)).toEqual([expect.stringMatching(/^hung machines/)]);

    const timedOutByTemporal = goodRun();
    Object.assign(timedOutByTemporal.activities[2]!, { outcome: 'timed-out', failureType: 'ActivityTimeout' });
    expect(failedCriteria(timedOutByTemporal)).toEqual([expect.stringMatching(/^hung machines/)]);
  });

  it('when a machine workflow is not running at the end, then the running criterion fails', () => {
    const facts = goodRun();
    facts.runningAtEnd = 1;
    expect(failedCriteria(facts)).toEqual(['every machine workflow still running']);
  });

  it('when one workflow task in the window runs past 5 s, then the workflow task criterion fails and names it', () => {
    const facts = goodRun();
    facts.workflowTasks[5]!.durationMs = 7_050;
    const analysis = analyseSoak(facts);
    const failed = analysis.criteria.filter((criterion) => !criterion.passed);
    expect(failed.map((criterion) => criterion.name)).toEqual(['no workflow task lasts longer than 5 s']);
    expect(failed[0]?.detail).toContain('7050 ms');
    expect(analysis.longestWorkflowTask?.durationMs).toBe(7_050);
  });

  it('when the histories are counted, then each role reports its events and workflow tasks a tick', () => {
    expect(analyseSoak(goodRun()).historyPerTick).toEqual({
      healthy: { events: 6.4, workflowTasks: 1, ticks: CYCLES },
      hung: { events: 10.4, workflowTasks: 1, ticks: CYCLES },
    });
  });

  it('when a healthy machine skips one slot, seen by its device or by its workflow, then the healthy criterion fails', () => {
    const skippedOnDevice = goodRun();
    skippedOnDevice.devices.connections.get('ok-1')!.splice(4, 1);
    expect(failedCriteria(skippedOnDevice)).toEqual(['healthy machines never miss a tick']);

    const countedByWorkflow = goodRun();
    countedByWorkflow.missedTicksAtEnd.set('ok-1', 1);
    expect(failedCriteria(countedByWorkflow)).toEqual(['healthy machines never miss a tick']);
  });
});
