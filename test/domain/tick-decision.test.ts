import { describe, expect, it } from 'vitest';
import {
  aspectCorrected,
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

    const opening = openTick({ schedule: ALWAYS_OFF }, state, NOW);

    expect(after(state, opening.changes).override).toBeUndefined();
    expect(opening.audit).toEqual([{ action: 'override expired', ...expiredBySchedule }]);
    expect(opening.tick).toEqual({ atMs: NOW, desired: 'off' });
    expect(opening.skipped).toBeUndefined();
  });

  it('when an override is still in effect, then it stays, nothing is audited and it decides the power', () => {
    const state = { ...healthy, override: { ...operator, power: 'on' as const, untilMs: NOW + 1 } };

    const opening = openTick({ schedule: ALWAYS_OFF }, state, NOW);

    expect(opening.changes).toStrictEqual({});
    expect(opening.audit).toEqual([]);
    expect(opening.tick.desired).toBe('on');
  });

  it('when maintenance has expired, then it is cleared, audited as expired by the schedule, and the tick probes', () => {
    const state = { ...healthy, maintenance: { ...operator, untilMs: NOW - 1 } };

    const opening = openTick({ schedule: ALWAYS_ON }, state, NOW);

    expect(after(state, opening.changes).maintenance).toBeUndefined();
    expect(opening.audit).toEqual([{ action: 'maintenance expired', ...expiredBySchedule }]);
    expect(opening.skipped).toBeUndefined();
  });

  it('when both have expired, then both are cleared and audited, the override first', () => {
    const state = { ...healthy, override: { ...operator, power: 'off' as const, untilMs: NOW }, maintenance: { ...operator, untilMs: NOW } };

    const opening = openTick({ schedule: ALWAYS_ON }, state, NOW);

    expect(opening.changes).toStrictEqual({ override: undefined, maintenance: undefined });
    expect(opening.audit.map((entry) => entry.action)).toEqual(['override expired', 'maintenance expired']);
  });

  it('when the machine is in maintenance, then the tick ends without a probe and says so', () => {
    for (const maintenance of [{ ...operator, untilMs: NOW + 1 }, { ...operator }]) {
      const opening = openTick({ schedule: ALWAYS_ON }, { ...healthy, maintenance }, NOW);

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

describe('aspects beside power', () => {
  const projectorAspects = { input: { kind: 'text' as const, values: ['HDMI1', 'HDMI2'] }, mute: { kind: 'boolean' as const } };
  const aspects = { base: { input: 'HDMI1', mute: false }, scenes: { evening: { input: 'HDMI2' } } };
  const eveningSchedule = { ...ALWAYS_ON, windowScenes: { '00:00-24:00': 'evening' } };

  it('when the machine should be on, then the tick wants its aspects, the window scene over its own values', () => {
    expect(openTick({ schedule: ALWAYS_ON, aspects }, healthy, NOW).wanted).toEqual({
      input: { value: 'HDMI1', source: 'machine' },
      mute: { value: false, source: 'machine' },
    });
    expect(openTick({ schedule: eveningSchedule, aspects }, healthy, NOW).wanted.input).toEqual({ value: 'HDMI2', source: 'scene', scene: 'evening' });
  });

  it('when the machine should be off, then the tick wants no aspect: they are left alone', () => {
    expect(openTick({ schedule: ALWAYS_OFF, aspects }, healthy, NOW).wanted).toEqual({});
  });

  it('when an override names a scene and an aspect, then they win over the schedule, the single aspect over the scene', () => {
    const override = { ...operator, scene: 'evening', aspects: { mute: true } };
    const wanted = openTick({ schedule: ALWAYS_ON, aspects }, { ...healthy, override }, NOW).wanted;
    expect(wanted).toEqual({ input: { value: 'HDMI2', source: 'override', scene: 'evening' }, mute: { value: true, source: 'override' } });
  });

  it('when an on device reads a wrong input, then that aspect alone is corrected and the reading is kept', () => {
    const wanted = openTick({ schedule: ALWAYS_ON, aspects }, healthy, NOW).wanted;
    const step = probeAnswered(healthy, wantsOn, { power: 'on', detail: '%1POWR=1', aspects: { input: 'HDMI2', mute: false } }, READ_AT, projectorAspects, wanted);

    expect(step.corrections).toEqual([{ aspect: 'input', value: 'HDMI1' }]);
    expect(step.command).toBeUndefined();
    expect(step.check).toMatchObject({ outcome: 'commanded', corrected: ['input'] });
    expect(step.changes.aspects).toEqual({ input: { observed: 'HDMI2', observedAtMs: READ_AT }, mute: { observed: false, observedAtMs: READ_AT } });
    expect(step.changes.commandsSent).toBe(5);
  });

  it('when a device is warming up, then nothing is corrected even with aspects wanted', () => {
    const wanted = openTick({ schedule: ALWAYS_ON, aspects }, healthy, NOW).wanted;
    const step = probeAnswered(healthy, wantsOn, { power: 'warming', detail: '%1POWR=3' }, READ_AT, projectorAspects, wanted);

    expect(step.corrections).toBeUndefined();
    expect(step.check.outcome).toBe('transitional');
  });

  it('when the power is wrong, then power is commanded first and aspects wait for a later tick', () => {
    const wanted = openTick({ schedule: ALWAYS_ON, aspects }, healthy, NOW).wanted;
    const step = probeAnswered(healthy, wantsOn, { power: 'off', detail: '%1POWR=0' }, READ_AT, projectorAspects, wanted);

    expect(step.command).toBe('on');
    expect(step.corrections).toBeUndefined();
  });

  it('when a volume reads within its tolerance, then it is left alone; outside it, it is corrected', () => {
    const amplifier = { volume: { kind: 'number' as const, min: 0, max: 100, tolerance: 2 } };
    const wanted = { volume: { value: 60, source: 'machine' as const } };
    const within = probeAnswered(healthy, wantsOn, { power: 'on', detail: 'POWER ON', aspects: { volume: 58 } }, READ_AT, amplifier, wanted);
    const outside = probeAnswered(healthy, wantsOn, { power: 'on', detail: 'POWER ON', aspects: { volume: 57 } }, READ_AT, amplifier, wanted);

    expect(within.corrections).toBeUndefined();
    expect(within.check.outcome).toBe('in-sync');
    expect(outside.corrections).toEqual([{ aspect: 'volume', value: 60 }]);
  });

  it('when a correction is acknowledged, then it is recorded beside the last reading', () => {
    const state = { ...healthy, aspects: { input: { observed: 'HDMI2', observedAtMs: READ_AT } } };
    expect(aspectCorrected(state, { aspect: 'input', value: 'HDMI1' }, READ_AT + 100)).toEqual({
      aspects: { input: { observed: 'HDMI2', observedAtMs: READ_AT, lastCorrection: { value: 'HDMI1', atMs: READ_AT + 100 } } },
    });
  });
});
