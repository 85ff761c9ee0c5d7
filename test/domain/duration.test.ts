import { describe, expect, it } from 'vitest';
import { formatDuration, InvalidDurationError, parseDuration } from '../../domain/duration';

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['30s', 30_000],
    ['15m', 900_000],
    ['2h', 7_200_000],
    ['1d', 86_400_000],
    ['1h30m', 5_400_000],
    ['2m30s', 150_000],
    ['1d2h3m4s5ms', 93_784_005],
    ['0s', 0],
    [' 10m ', 600_000],
  ])('when given %j, then it is %i ms', (text, expectedMs) => {
    expect(parseDuration(text)).toBe(expectedMs);
  });

  it.each(['', '10', 'm', '1.5h', '-5m', '10 m', '1h 30m', '30m1h', '1m1m', '5 minutes', '1w', '10M', 'abc'])(
    'when given %j, then it throws an InvalidDurationError that names the text and the accepted forms',
    (text) => {
      expect(() => parseDuration(text)).toThrow(InvalidDurationError);
      expect(() => parseDuration(text)).toThrow(`invalid duration ${JSON.stringify(text)}: expected a whole number with a unit (ms, s, m, h, d)`);
    },
  );
});

describe('formatDuration', () => {
  it.each([
    [0, '0ms'],
    [500, '500ms'],
    [60_000, '1m'],
    [5_400_000, '1h30m'],
    [90_061_001, '1d1h1m1s1ms'],
    [-900_000, '-15m'],
  ])('when given %i ms, then it reads %j', (ms, expected) => {
    expect(formatDuration(ms)).toBe(expected);
  });

  it('when a formatted duration is parsed again, then the value is unchanged', () => {
    for (const ms of [1, 999, 1_000, 61_000, 3_599_999, 86_400_000 + 1]) {
      expect(parseDuration(formatDuration(ms))).toBe(ms);
    }
  });
});
