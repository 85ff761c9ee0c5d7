import { describe, expect, it } from 'vitest';
import { nextTickAt, quarterSpreadTicksInRun, skippedSlots, tickOffsetMs, ticksInRun } from '../../domain/tick';

describe('tick slots', () => {
  it('when a machine asks for its next slot, then it is the first one strictly after now on its own offset', () => {
    expect(nextTickAt(120_000, 60_000, 5_000)).toBe(125_000);
    expect(nextTickAt(125_000, 60_000, 5_000)).toBe(185_000);
    expect(nextTickAt(124_999, 60_000, 5_000)).toBe(125_000);
  });

  it('when many machines share a tick, then their offsets spread across it and stay stable', () => {
    const offsets = Array.from({ length: 1000 }, (_, i) => tickOffsetMs(`proj-${i}`, 60_000));
    expect(offsets.every((offset) => offset >= 0 && offset < 60_000)).toBe(true);
    const perSecond = new Array(60).fill(0) as number[];
    for (const offset of offsets) perSecond[Math.floor(offset / 1000)]!++;
    // 1,000 machines over 60 seconds: about 17 a second; none of the seconds is crowded.
    expect(Math.max(...perSecond)).toBeLessThan(40);
    expect(tickOffsetMs('proj-1', 60_000)).toBe(tickOffsetMs('proj-1', 60_000));
  });

  it('when a check overran two slots, then exactly those two count as skipped', () => {
    expect(skippedSlots(60_000, 120_000, 60_000)).toBe(0);
    expect(skippedSlots(60_000, 240_000, 60_000)).toBe(2);
    expect(skippedSlots(60_000, 60_000, 60_000)).toBe(0);
  });
});

describe('run length', () => {
  const ids = Array.from({ length: 1000 }, (_, i) => `machine-${i}`);

  it('when a fleet starts together, then first runs end evenly spread over the whole period, so continue-as-new never comes in a wave', () => {
    const lengths = ids.map((id) => ticksInRun(id, 20, true));
    expect(Math.min(...lengths)).toBe(1);
    expect(Math.max(...lengths)).toBe(20);
    // 50 a length on average; a wave would pile hundreds on a few.
    for (let length = 1; length <= 20; length++) {
      const count = lengths.filter((l) => l === length).length;
      expect(count, `runs of ${length} ticks`).toBeGreaterThan(25);
      expect(count, `runs of ${length} ticks`).toBeLessThan(100);
    }
  });

  it('when a machine continues as new, then every later run lasts the whole period, so the spread stays', () => {
    expect(new Set(ids.map((id) => ticksInRun(id, 20, false)))).toEqual(new Set([20]));
  });

  it('when asked twice for one machine, then the answer is the same', () => {
    expect(ids.map((id) => ticksInRun(id, 60, true))).toEqual(ids.map((id) => ticksInRun(id, 60, true)));
  });

  it('when a run recorded before the even spread replays, then its length is the old rule\'s: the last quarter of the period', () => {
    const lengths = ids.map((id) => quarterSpreadTicksInRun(id, 20));
    expect(Math.min(...lengths)).toBe(15);
    expect(Math.max(...lengths)).toBe(20);
    expect(ids.map((id) => quarterSpreadTicksInRun(id, 3)).every((length) => length === 3)).toBe(true);
  });
});
