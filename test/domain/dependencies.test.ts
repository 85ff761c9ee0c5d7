import { describe, expect, it } from 'vitest';
import {
  awaitedFor,
  blockersOf,
  gatePower,
  neighbourIds,
  progressed,
  reportMatters,
  sameReport,
  waitEndsAt,
  waitMessage,
  type MachineDependencies,
  type NeighbourReport,
} from '../../domain/dependencies';

const NOW = Date.parse('2026-07-01T12:00:00Z');
const amp: MachineDependencies = { needs: ['mixer-01', 'pdu-01'], neededBy: [], waitMs: 120_000, onTimeout: 'proceed', recheckMs: 10_000 };
const mixer: MachineDependencies = { needs: [], neededBy: ['amp-01', 'amp-02'], waitMs: 120_000, onTimeout: 'proceed', recheckMs: 10_000 };

function report(id: string, power: NeighbourReport['power'], health: NeighbourReport['health'] = 'ok', blockedBy?: string[]): NeighbourReport {
  return { id, power, health, ...(blockedBy && { blockedBy }) };
}
function byId(...reports: NeighbourReport[]): Record<string, NeighbourReport> {
  return Object.fromEntries(reports.map((entry) => [entry.id, entry]));
}

describe('blocked', () => {
  it('when a machine it needs fails, then it is blocked by that machine', () => {
    expect(blockersOf(amp, byId(report('mixer-01', 'on'), report('pdu-01', 'unknown', 'failing')))).toEqual(['pdu-01']);
  });

  it('when a machine it needs is blocked itself, then it is blocked by the failing root, not by the machine in between', () => {
    expect(blockersOf(amp, byId(report('mixer-01', 'off', 'blocked', ['switch-01']), report('pdu-01', 'on')))).toEqual(['switch-01']);
  });

  it('when what it needs is up, unknown or off, then nothing blocks it', () => {
    expect(blockersOf(amp, byId(report('mixer-01', 'off'), report('pdu-01', 'unknown', 'unknown')))).toEqual([]);
    expect(blockersOf(undefined, {})).toEqual([]);
  });

  it('when only a machine that needs it fails, then that does not block it', () => {
    expect(blockersOf(mixer, byId(report('amp-01', 'unknown', 'failing')))).toEqual([]);
  });
});

describe('power on waits for what it needs, power off for what needs it', () => {
  it('when switching on, then it waits for every needed machine not yet observed on and healthy', () => {
    expect(awaitedFor(amp, byId(report('mixer-01', 'warming'), report('pdu-01', 'on')), 'on')).toEqual(['mixer-01']);
    expect(awaitedFor(amp, {}, 'on')).toEqual(['mixer-01', 'pdu-01']);
    expect(awaitedFor(amp, byId(report('mixer-01', 'on'), report('pdu-01', 'on')), 'on')).toEqual([]);
  });

  it('when switching off, then it waits for the machines that need it until they are off, and never for one that fails', () => {
    expect(awaitedFor(mixer, byId(report('amp-01', 'on'), report('amp-02', 'off')), 'off')).toEqual(['amp-01']);
    expect(awaitedFor(mixer, byId(report('amp-01', 'cooling'), report('amp-02', 'unknown', 'failing')), 'off')).toEqual(['amp-01']);
    expect(awaitedFor(mixer, {}, 'off')).toEqual(['amp-01', 'amp-02']);
  });

  it('when switching on, then the machines that need it do not hold it back', () => {
    expect(awaitedFor(mixer, byId(report('amp-01', 'on')), 'on')).toEqual([]);
  });
});

describe('the power gate', () => {
  const mixerOn = byId(report('mixer-01', 'on'), report('pdu-01', 'on'));
  const mixerOff = byId(report('mixer-01', 'off'), report('pdu-01', 'on'));

  it('when a machine has no dependencies, then every command goes', () => {
    expect(gatePower(undefined, undefined, undefined, 'on', NOW)).toEqual({ kind: 'go' });
  });

  it('when what it needs is on, then the command goes', () => {
    expect(gatePower(amp, mixerOn, undefined, 'on', NOW)).toEqual({ kind: 'go' });
  });

  it('when a needed machine is off, then the step waits from now, and keeps the start of a wait that goes on', () => {
    expect(gatePower(amp, mixerOff, undefined, 'on', NOW)).toEqual({ kind: 'waiting', wait: { power: 'on', sinceMs: NOW, for: ['mixer-01'] } });
    const wait = { power: 'on' as const, sinceMs: NOW - 60_000, for: ['mixer-01'] };
    expect(gatePower(amp, mixerOff, wait, 'on', NOW)).toEqual({ kind: 'waiting', wait });
  });

  it('when the wanted power changes during a wait, then the new step waits from now', () => {
    const wait = { power: 'off' as const, sinceMs: NOW - 60_000, for: ['amp-01'] };
    expect(gatePower(amp, mixerOff, wait, 'on', NOW)).toEqual({ kind: 'waiting', wait: { power: 'on', sinceMs: NOW, for: ['mixer-01'] } });
  });

  it('when the wait reaches its timeout and the configuration says proceed, then the command goes, naming who it went without', () => {
    const wait = { power: 'on' as const, sinceMs: NOW - 120_000, for: ['mixer-01'] };
    expect(gatePower(amp, mixerOff, wait, 'on', NOW)).toEqual({ kind: 'go', proceededWithout: ['mixer-01'] });
    expect(waitEndsAt(amp, wait)).toBe(NOW);
  });

  it('when the wait reaches its timeout and the configuration says fail, then the step has timed out', () => {
    const wait = { power: 'on' as const, sinceMs: NOW - 120_001, for: ['mixer-01'] };
    expect(gatePower({ ...amp, onTimeout: 'fail' }, mixerOff, wait, 'on', NOW)).toEqual({ kind: 'timed-out', wait });
    expect(waitMessage(wait, amp.waitMs)).toBe('waited 2m for mixer-01 to be on');
  });

  it('when what it waits for is itself waiting further up the sequence, then its step does not time out; it counts from then', () => {
    const wait = { power: 'on' as const, sinceMs: NOW - 600_000, for: ['mixer-01'] };
    const mixerWaiting = byId({ ...report('mixer-01', 'off'), waiting: true }, report('pdu-01', 'on'));
    expect(gatePower(amp, mixerWaiting, wait, 'on', NOW)).toEqual({ kind: 'waiting', wait: { ...wait, sinceMs: NOW } });
  });

  it('when a neighbour it waits for reports, then the step\'s timeout starts again; a report from another leaves it', () => {
    const wait = { power: 'on' as const, sinceMs: NOW - 100_000, for: ['mixer-01'] };
    expect(progressed(wait, report('mixer-01', 'warming'), NOW)).toEqual({ ...wait, sinceMs: NOW });
    expect(progressed(wait, report('pdu-01', 'on'), NOW)).toBe(wait);
    expect(progressed(undefined, report('mixer-01', 'on'), NOW)).toBeUndefined();
  });

  it('when a needed machine fails, then the command is blocked rather than waiting, with no timeout', () => {
    const wait = { power: 'on' as const, sinceMs: NOW - 600_000, for: ['pdu-01'] };
    expect(gatePower(amp, byId(report('mixer-01', 'on'), report('pdu-01', 'unknown', 'failing')), wait, 'on', NOW)).toEqual({ kind: 'blocked', by: ['pdu-01'] });
  });
});

describe('which reports matter', () => {
  it('when a report changes what blocks the machine, then it checks now', () => {
    expect(reportMatters(amp, byId(report('pdu-01', 'on')), report('pdu-01', 'unknown', 'failing'), undefined)).toBe(true);
    expect(reportMatters(amp, byId(report('pdu-01', 'unknown', 'failing')), report('pdu-01', 'on'), undefined)).toBe(true);
  });

  it('when the neighbour its step waits for is now where the step needs it, then it checks now; otherwise the report is only filed', () => {
    const wait = { power: 'on' as const, sinceMs: NOW, for: ['mixer-01'] };
    expect(reportMatters(amp, {}, report('mixer-01', 'on'), wait)).toBe(true);
    expect(reportMatters(amp, {}, report('mixer-01', 'warming'), wait), 'on its way: nothing to do yet').toBe(false);
    expect(reportMatters(amp, {}, report('mixer-01', 'on'), undefined)).toBe(false);
  });

  it('when a machine has no dependencies, then no report matters', () => {
    expect(reportMatters(undefined, {}, report('mixer-01', 'on'), undefined)).toBe(false);
  });
});

describe('reports', () => {
  it('when nothing it reports changed, then the report is the same; blockers count', () => {
    expect(sameReport(undefined, { power: 'on', health: 'ok' })).toBe(false);
    expect(sameReport({ power: 'on', health: 'ok' }, { power: 'on', health: 'ok' })).toBe(true);
    expect(sameReport({ power: 'off', health: 'blocked', blockedBy: ['pdu-01'] }, { power: 'off', health: 'blocked', blockedBy: ['pdu-02'] })).toBe(false);
    expect(sameReport({ power: 'off', health: 'ok' }, { power: 'off', health: 'ok', waiting: true })).toBe(false);
  });

  it('when a machine both needs and is needed, then it tells each neighbour once', () => {
    expect(neighbourIds({ ...amp, neededBy: ['proj-01', 'pdu-01'] })).toEqual(['mixer-01', 'pdu-01', 'proj-01']);
  });
});
