/**
 * Command-line flags of the benchmarks: `--name value` or `--name=value`, durations written as
 * in the venue file (`2s`, `1m`, `1m30s`), every flag defaulted and described for `--help`.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { formatDuration, InvalidDurationError, parseDuration } from '../../domain/duration';

interface FlagBase {
  help: string;
}
export interface IntegerFlag extends FlagBase {
  type: 'integer';
  default: number;
  min?: number;
}
export interface DurationFlag extends FlagBase {
  type: 'duration';
  /** Milliseconds. */
  default: number;
  minMs?: number;
}
export interface StringFlag extends FlagBase {
  type: 'string';
  default?: string;
}
export interface BooleanFlag extends FlagBase {
  type: 'boolean';
}
export type FlagSpec = IntegerFlag | DurationFlag | StringFlag | BooleanFlag;

type ValueOf<F extends FlagSpec> = F extends IntegerFlag | DurationFlag
  ? number
  : F extends BooleanFlag
    ? boolean
    : F extends { default: string }
      ? string
      : string | undefined;

/** Durations come back in milliseconds. */
export type FlagValues<S extends Record<string, FlagSpec>> = { [K in keyof S]: ValueOf<S[K]> };

export class FlagError extends Error {
  override readonly name = 'FlagError';
}

/** `--help` is always accepted: the caller prints `usage()` and exits. */
export class HelpRequested extends Error {
  override readonly name = 'HelpRequested';
}

export function parseFlags<S extends Record<string, FlagSpec>>(argv: string[], specs: S): FlagValues<S> {
  const options: NonNullable<ParseArgsConfig['options']> = { help: { type: 'boolean' } };
  for (const [name, spec] of Object.entries(specs)) options[name] = { type: spec.type === 'boolean' ? 'boolean' : 'string' };
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: argv, strict: true, allowPositionals: false, options });
  } catch (error) {
    throw new FlagError((error as Error).message);
  }
  if (parsed.values.help) throw new HelpRequested('help requested');
  const values: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(specs)) values[name] = valueOf(name, spec, parsed.values[name]);
  return values as FlagValues<S>;
}

function valueOf(name: string, spec: FlagSpec, raw: string | boolean | (string | boolean)[] | undefined): unknown {
  if (spec.type === 'boolean') return raw === true;
  if (raw === undefined) return spec.default;
  const text = String(raw);
  switch (spec.type) {
    case 'string':
      return text;
    case 'integer': {
      const value = Number(text);
      if (!/^\d+$/.test(text) || !Number.isSafeInteger(value)) throw new FlagError(`--${name}: expected a whole number, got ${JSON.stringify(text)}`);
      if (spec.min !== undefined && value < spec.min) throw new FlagError(`--${name}: expected at least ${spec.min}, got ${value}`);
      return value;
    }
    case 'duration': {
      let ms: number;
      try {
        ms = parseDuration(text);
      } catch (error) {
        if (error instanceof InvalidDurationError) throw new FlagError(`--${name}: ${error.message}`);
        throw error;
      }
      if (spec.minMs !== undefined && ms < spec.minMs) throw new FlagError(`--${name}: expected at least ${formatDuration(spec.minMs)}, got ${text}`);
      return ms;
    }
  }
}

export function usage(command: string, specs: Record<string, FlagSpec>): string {
  const lines = Object.entries(specs).map(([name, spec]) => {
    const placeholder = spec.type === 'boolean' ? '' : ` <${spec.type === 'duration' ? 'duration' : spec.type === 'integer' ? 'n' : 'value'}>`;
    const fallback =
      spec.type === 'boolean' || spec.default === undefined
        ? ''
        : ` (default ${spec.type === 'duration' ? formatDuration(spec.default) : spec.default})`;
    return `  --${name}${placeholder}`.padEnd(24) + `${spec.help}${fallback}`;
  });
  return [`usage: ${command} [flags]`, ...lines, '  --help'.padEnd(24) + 'this text', 'durations: 500ms, 2s, 1m, 1m30s'].join('\n');
}

/**
 * Runs a benchmark's entry point: `--help` prints the usage; a bad flag prints its message and the
 * usage and exits 2; any other error exits 1.
 */
export function runBenchmarkCommand(command: string, specs: Record<string, FlagSpec>, main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    if (error instanceof HelpRequested) {
      console.log(usage(command, specs));
      return;
    }
    console.error(error instanceof FlagError ? `${error.message}\n${usage(command, specs)}` : error);
    process.exitCode = error instanceof FlagError ? 2 : 1;
  });
}
