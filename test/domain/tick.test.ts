import { describe, expect, it } from 'vitest';
import { nextTickAt, skippedSlots, tickOffsetMs } from '../../domain/tick';

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
