/** What the driver families' `driver:` blocks in the venue file share, and how each family plugs in. */
import { z } from 'zod';
import { aspectNameField, durationField, nonEmptyTextField, positiveIntegerField, strictObject } from '../../../config/fields';
import type { AspectSpec } from '../../../domain/aspects';
import type { DeclaredAspect, DriverTimeouts, StateMatchers } from './spec';

const MAX_DEADLINE_MS = 60_000;
const MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

/** A family's `driver:` block and how a parsed block becomes the family's spec. */
export interface DriverSchema<Entry extends z.ZodType, Spec> {
  entry: Entry;
  /** `host` is the machine's address, where the driver connects unless the block says otherwise. */
  toSpec(entry: z.output<Entry>, host: string): Spec;
}

export const timeouts = strictObject({
  connect: durationField({ minMs: 1, maxMs: MAX_DEADLINE_MS }).default(2_000),
  response: durationField({ minMs: 1, maxMs: MAX_DEADLINE_MS }).default(3_000),
}).prefault({});

export function toTimeouts(entry: z.output<typeof timeouts>): DriverTimeouts {
  return { connectMs: entry.connect, responseMs: entry.response };
}

export function maxResponseBytes(defaultBytes: number) {
  return positiveIntegerField(MAX_RESPONSE_BYTES).default(defaultBytes);
}

export function stateMatchers<Value extends z.ZodType>(value: Value) {
  const values = z.array(value).min(1, { error: 'expected at least one value' });
  return strictObject({ on: values, off: values, warming: values.optional(), cooling: values.optional() });
}

export function toStates(states: { on: string[]; off: string[]; warming?: string[] | undefined; cooling?: string[] | undefined }): StateMatchers {
  return {
    on: states.on,
    off: states.off,
    ...(states.warming && { warming: states.warming }),
    ...(states.cooling && { cooling: states.cooling }),
  };
}

/**
 * The `aspects:` of a generic driver: per aspect its type (number with min, max and tolerance;
 * boolean with the device's words; text, optionally limited to values), how to read it and how to
 * set it (`{value}` in the set request is replaced by the value).
 */
export function declaredAspects<Read extends z.ZodType, Set extends z.ZodType>(read: Read, set: Set) {
  const common = { read, set };
  const finite = z.number({ error: 'expected a number' });
  const aspect = z.discriminatedUnion('type', [
    strictObject({ type: z.literal('number'), min: finite, max: finite, tolerance: finite.min(0).default(0), ...common }),
    strictObject({ type: z.literal('boolean'), words: strictObject({ true: nonEmptyTextField, false: nonEmptyTextField }).optional(), ...common }),
    strictObject({ type: z.literal('text'), values: z.array(nonEmptyTextField).min(1).optional(), ...common }),
  ], { error: 'expected type: number, boolean or text' });
  return z.record(aspectNameField, aspect).optional();
}

type DeclaredAspectEntry<Read, Set> =
  | { type: 'number'; min: number; max: number; tolerance: number; read: Read; set: Set }
  | { type: 'boolean'; words?: { true: string; false: string } | undefined; read: Read; set: Set }
  | { type: 'text'; values?: string[] | undefined; read: Read; set: Set };

export function toDeclaredAspects<ReadIn, SetIn, Read, Set>(
  entries: Record<string, DeclaredAspectEntry<ReadIn, SetIn>> | undefined,
  toRead: (read: ReadIn) => Read,
  toSet: (set: SetIn) => Set,
): { aspects?: Record<string, DeclaredAspect<Read, Set>> } {
  if (!entries) return {};
  const aspects = Object.fromEntries(Object.entries(entries).map(([name, entry]): [string, DeclaredAspect<Read, Set>] => {
    const value: AspectSpec = entry.type === 'number'
      ? { kind: 'number', min: entry.min, max: entry.max, tolerance: entry.tolerance }
      : entry.type === 'boolean' ? { kind: 'boolean' } : { kind: 'text', ...(entry.values && { values: entry.values }) };
    const words = entry.type === 'boolean' && entry.words ? { words: entry.words } : {};
    return [name, { value, ...words, read: toRead(entry.read), set: toSet(entry.set) }];
  }));
  return { aspects };
}
