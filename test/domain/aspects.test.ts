import { describe, expect, it } from 'vitest';
import { aspectNames, driftedAspects, isWanted, valueProblem, wantedAspects } from '../../domain/aspects';
import { sceneAt } from '../../domain/schedule';
import { schedule } from '../support/specs';

const volume = { kind: 'number' as const, min: 0, max: 100, tolerance: 3 };
const input = { kind: 'text' as const, values: ['HDMI1', 'HDMI2'] };

describe('wanted values', () => {
  const aspects = { base: { input: 'HDMI1', volume: 40 }, scenes: { evening: { volume: 60 }, quiet: { volume: 10 } } };

  it('when no scene and no override apply, then the machine\'s own values are wanted', () => {
    expect(wantedAspects(aspects, undefined, undefined)).toEqual({ input: { value: 'HDMI1', source: 'machine' }, volume: { value: 40, source: 'machine' } });
  });

  it('when a window scene and an override scene apply, then the override\'s wins and the rest stays', () => {
    const wanted = wantedAspects(aspects, 'evening', { scene: 'quiet' });
    expect(wanted.volume).toEqual({ value: 10, source: 'override', scene: 'quiet' });
    expect(wanted.input).toEqual({ value: 'HDMI1', source: 'machine' });
  });

  it('when any layer names an aspect, then a probe of the machine may read it', () => {
    expect(aspectNames({ base: { input: 'HDMI1' }, scenes: { evening: { volume: 60 } } })).toEqual(['input', 'volume']);
    expect(aspectNames(undefined)).toEqual([]);
  });
});

describe('comparing and checking values', () => {
  it('when a number reads within its tolerance, then it counts as wanted; outside, it does not', () => {
    expect(isWanted(volume, 60, 57)).toBe(true);
    expect(isWanted(volume, 60, 56)).toBe(false);
    expect(isWanted(input, 'HDMI1', undefined)).toBe(false);
  });

  it('when some aspects differ, then exactly those are listed with the value to set, in name order', () => {
    const wanted = { volume: { value: 60, source: 'machine' as const }, input: { value: 'HDMI1', source: 'scene' as const } };
    expect(driftedAspects({ volume, input }, wanted, { volume: 20, input: 'HDMI2' })).toEqual([{ name: 'input', value: 'HDMI1' }, { name: 'volume', value: 60 }]);
    expect(driftedAspects({ volume, input }, wanted, { volume: 61, input: 'HDMI1' })).toEqual([]);
  });

  it('when a value is not one the driver can set, then the problem says what it expects', () => {
    expect(valueProblem(volume, 120)).toBe('expected a number from 0 to 100');
    expect(valueProblem(input, 'HDMI3')).toBe('expected one of HDMI1, HDMI2');
    expect(valueProblem({ kind: 'boolean' }, 'yes')).toBe('expected true or false');
    expect(valueProblem(input, 'HDMI2')).toBeUndefined();
  });
});

describe('the scene of a schedule window', () => {
  const day = { ...schedule(['09:00-18:00', '18:00-22:00']), windowScenes: { '18:00-22:00': 'evening' } };

  it('when a window that names a scene is open, then its scene applies; in a window without one, none does', () => {
    expect(sceneAt(day, Date.parse('2026-07-01T19:00:00Z'))).toBe('evening');
    expect(sceneAt(day, Date.parse('2026-07-01T10:00:00Z'))).toBeUndefined();
    expect(sceneAt(day, Date.parse('2026-07-01T23:00:00Z'))).toBeUndefined();
  });

  it('when lead time applies, then the scene applies from the lead on', () => {
    const withLead = { ...day, leadMs: 15 * 60_000 };
    expect(sceneAt(withLead, Date.parse('2026-07-01T17:50:00Z'))).toBe('evening');
  });
});
