import { describe, expect, it } from 'vitest';
import { FlagError, HelpRequested, parseFlags, usage, type FlagSpec } from '../../bench/lib/flags';

const FLAGS = {
  machines: { type: 'integer', default: 200, min: 1, help: 'machines' },
  tick: { type: 'duration', default: 2_000, minMs: 1_000, help: 'tick' },
  out: { type: 'string', help: 'report file' },
  'find-max': { type: 'boolean', help: 'search' },
} satisfies Record<string, FlagSpec>;

describe('benchmark flags', () => {
  it('when no flag is given, then every default applies and durations are in milliseconds', () => {
    expect(parseFlags([], FLAGS)).toEqual({ machines: 200, tick: 2_000, out: undefined, 'find-max': false });
  });

  it('when flags are written as --name value or --name=value with durations like 1m30s, then they are read', () => {
    expect(parseFlags(['--machines', '50', '--tick=1m30s', '--out', 'r.json', '--find-max'], FLAGS)).toEqual({
      machines: 50,
      tick: 90_000,
      out: 'r.json',
      'find-max': true,
    });
  });

  it('when a value is malformed, below its minimum or the flag unknown, then a FlagError names the flag', () => {
    expect(() => parseFlags(['--tick', '2'], FLAGS)).toThrow(new FlagError('--tick: invalid duration "2": expected a whole number with a unit (ms, s, m, h, d), e.g. 500ms, 30s, 15m, 1h30m'));
    expect(() => parseFlags(['--tick', '500ms'], FLAGS)).toThrow(/--tick: expected at least 1s, got 500ms/);
    expect(() => parseFlags(['--machines', '1.5'], FLAGS)).toThrow(/--machines: expected a whole number/);
    expect(() => parseFlags(['--machines', '0'], FLAGS)).toThrow(/--machines: expected at least 1/);
    expect(() => parseFlags(['--cycles', '3'], FLAGS)).toThrow(FlagError);
  });

  it('when --help is given, then HelpRequested is thrown and the usage lists every flag with its default', () => {
    expect(() => parseFlags(['--help'], FLAGS)).toThrow(HelpRequested);
    const text = usage('npm run bench:x --', FLAGS);
    expect(text).toMatch(/--machines <n>\s+machines \(default 200\)/);
    expect(text).toMatch(/--tick <duration>\s+tick \(default 2s\)/);
    expect(text).toMatch(/--find-max\s+search/);
  });
});
