import { describe, expect, it } from 'vitest';
import { desiredPower, isInEffect } from '../../domain/desired-state';
import { ALWAYS_OFF, schedule } from '../support/specs';

const london = schedule(['09:00-17:00'], 'Europe/London');
const at = (iso: string) => Date.parse(iso);
const by = { reason: 'test', by: 'operator', atMs: 0 };

describe('desired power', () => {
  it('when no override is set, then the schedule decides, in the venue timezone', () => {
    expect(desiredPower(london, undefined, at('2026-07-01T08:30:00Z'))).toEqual({ power: 'on', source: 'schedule' });
    expect(desiredPower(london, undefined, at('2026-07-01T16:30:00Z'))).toEqual({ power: 'off', source: 'schedule' });
  });

  it('when an override is in effect, then it beats the schedule until it expires', () => {
    const override = { ...by, power: 'on' as const, untilMs: at('2026-07-01T22:00:00Z') };
    expect(desiredPower(ALWAYS_OFF, override, at('2026-07-01T21:59:59Z'))).toEqual({ power: 'on', source: 'override' });
    expect(desiredPower(ALWAYS_OFF, override, at('2026-07-01T22:00:00Z'))).toEqual({ power: 'off', source: 'schedule' });
  });

  it('when an override has no end, then it stays in effect', () => {
    expect(isInEffect({ ...by }, at('2099-01-01T00:00:00Z'))).toBe(true);
    expect(isInEffect(undefined, 0)).toBe(false);
  });
});
