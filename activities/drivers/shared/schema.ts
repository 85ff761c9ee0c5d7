/** What the driver families' `driver:` blocks in the venue file share, and how each family plugs in. */
import { z } from 'zod';
import { durationField, positiveIntegerField, strictObject } from '../../../config/fields';
import type { DriverTimeouts, StateMatchers } from './spec';

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
