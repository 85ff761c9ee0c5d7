import { describe, expect, it } from 'vitest';
import {
  commandFailed,
  openTick,
  probeAnswered,
  probeFailed,
  type TickChanges,
  type TickStart,
  type TickState,
} from '../../domain/tick-decision';
import { ALWAYS_OFF, ALWAYS_ON } from '../support/specs';

const NOW = Date.parse('2026-07-01T12:00:00Z');
const READ_AT = NOW + 800;
const operator = { reason: 'test', by: 'operator', atMs: NOW - 60_000 };
const expiredBySchedule = { atMs: NOW, by: 'schedule', reason: 'expired' };

const healthy: TickState = { consecutiveFailures: 0, commandsSent: 4 };
const failing: TickState = { consecutiveFailures: 3, commandsSent: 4 };
const wantsOn: TickStart = { atMs: NOW, desired: 'on' };

const timeout = { step: 'probe' as const, type: 'DeviceTimeoutError', message: 'no answer within 2000 ms' };
const busy = { step: 'command' as const, type: 'DeviceBusyError', message: 'ERR3' };
const refused = { step: 'command' as const, type: 'DeviceAuthError', message: 'wrong password' };

/** The state as the workflow holds it once it has written a step's changes. */
function after(state: TickState, changes: TickChanges): TickState & TickChanges {
  return { ...state, ...changes };
}

describe('before the probe', () => {
  it('when an override has expired, then it is cleared, audited as expired by the schedule, and the schedule decides again', () => {
    const state = { ...healthy, override: { ...operator, power: 'on' as const, untilMs: NOW } };

    const opening = openTick(ALWAYS_OFF, state, NOW);

    expect(after(state, opening.changes).override).toBeUndefined();
    expect(opening.audit).toEqual([{ action: 'override expired', ...expiredBySchedule }]);
    expect(opening.tick).toEqual({ atMs: NOW, desired: 'off' });
    expect(opening.skipped).toBeUndefined();
  });

  it('when an override is still in effect, then it stays, nothing is audited and it decides the power', () => {
    const state = { ...healthy, override: { ...operator, power: 'on' as const, untilMs: NOW + 1 } };

    const opening = openTick(ALWAYS_OFF, state, NOW);

    expect(opening.changes).toStrictEqual({});
    expect(opening.audit).toEqual([]);
    expect(opening.tick.desired).toBe('on');
  });

  it('when maintenance has expired, then it is cleared, audited as expired by the schedule, and the tick probes', () => {
    const state = { ...healthy, maintenance: { ...operator, untilMs: NOW - 1 } };

    const opening = openTick(ALWAYS_ON, state, NOW);

    expect(after(state, opening.changes).maintenance).toBeUndefined();
    expect(opening.audit).toEqual([{ action: 'maintenance expired', ...expiredBySchedule }]);
    expect(opening.skipped).toBeUndefined();
  });

  it('when both have expired, then both are cleared and audited, the override first', () => {
    const state = { ...healthy, override: { ...operator, power: 'off' as const, untilMs: NOW }, maintenance: { ...operator, untilMs: NOW } };

    const opening = openTick(ALWAYS_ON, state, NOW);

    expect(opening.changes).toStrictEqual({ override: undefined, maintenance: undefined });
    expect(opening.audit.map((entry) => entry.action)).toEqual(['override expired', 'maintenance expired']);
  });

  it('when the machine is in maintenance, then the tick ends without a probe and says so', () => {
    for (const maintenance of [{ ...operator, untilMs: NOW + 1 }, { ...operator }]) {
      const opening = openTick(ALWAYS_ON, { ...healthy, maintenance }, NOW);

      expect(opening.changes).toStrictEqual({});
      expect(opening.audit).toEqual([]);
      expect(opening.skipped).toEqual({ atMs: NOW, desired: 'on', outcome: 'maintenance' });
    }
  });
});

describe('after the probe', () => {
  it('when the device is where it should be, then nothing is sent and the check is in sync', () => {
    const step = probeAnswered(healthy, wantsOn, { power: 'on', detail: '%1POWR=1' }, READ_AT);

    expect(step.command).toBeUndefined();
    expect(step.check).toEqual({ atMs: NOW, desired: 'on', observed: 'on', outcome: 'in-sync' });
    expect(after(healthy, step.changes)).toEqual({
      ...healthy,
      lastObservation: { power: 'on', detail: '%1POWR=1', atMs: READ_AT },
    });
  });

  it('when the device is elsewhere, then the desired power is sent and counted', () => {
    const step = probeAnswered(healthy, wantsOn, { power: 'off', detail: '%1POWR=0' }, READ_AT);

    expect(step.command).toBe('on');
    expect(step.check).toEqual({ atMs: NOW, desired: 'on', observed: 'off', outcome: 'commanded' });
    expect(after(healthy, step.changes).commandsSent).toBe(5);
    expect(after(healthy, step.changes).lastObservation).toEqual({ power: 'off', detail: '%1POWR=0', atMs: READ_AT });
  });

  it('when the device should be off and is on, then off is sent', () => {
    const step = probeAnswered(healthy, { atMs: NOW, desired: 'off' }, { power: 'on', detail: '%1POWR=1' }, READ_AT);

    expect(step.command).toBe('off');
  });

  it('when the device is warming or cooling, then the tick waits, whichever way it is heading, and sends nothing', () => {
    for (const power of ['warming', 'cooling'] as const) {
      for (const desired of ['on', 'off'] as const) {
        const step = probeAnswered(healthy, { atMs: NOW, desired }, { power, detail: '%1POWR=2' }, READ_AT);

        expect(step.command, `${power}, wants ${desired}`).toBeUndefined();
        expect(step.check.outcome, `${power}, wants ${desired}`).toBe('transitional');
        expect(after(healthy, step.changes).commandsSent).toBe(4);
      }
    }
  });

  it('when a failing machine answers, then its consecutive failures start again from zero', () => {
    for (const power of ['on', 'off', 'warming'] as const) {
      const step = probeAnswered(failing, wantsOn, { power, detail: '' }, READ_AT);

      expect(after(failing, step.changes).consecutiveFailures, power).toBe(0);
    }
  });

  it('when the probe fails, then the failure is counted and kept, nothing is sent, and the last observation stays', () => {
    const step = probeFailed(failing, wantsOn, timeout);

    expect(step.command).toBeUndefined();
    expect(step.check).toEqual({ atMs: NOW, desired: 'on', outcome: 'failed', failure: timeout });
    expect(step.changes).toStrictEqual({ consecutiveFailures: 4 });
  });
});

describe('after the command', () => {
  const commanded = probeAnswered(healthy, wantsOn, { power: 'off', detail: '%1POWR=0' }, READ_AT);

  it('when the device answers busy, then the device is transitional, the failure is kept, and nothing counts as failed', () => {
    const step = commandFailed(healthy, commanded.check, busy);

    expect(step.check).toEqual({ atMs: NOW, desired: 'on', observed: 'off', outcome: 'transitional', failure: busy });
    expect(step.changes).toStrictEqual({});
    expect(step.command).toBeUndefined();
  });

  it('when the command fails otherwise, then the check failed and the failure is counted', () => {
    const step = commandFailed(healthy, commanded.check, refused);

    expect(step.check).toEqual({ atMs: NOW, desired: 'on', observed: 'off', outcome: 'failed', failure: refused });
    expect(step.changes).toStrictEqual({ consecutiveFailures: 1 });
    expect(step.command).toBeUndefined();
  });
});
