/** The venue file's `readiness:` section: when the doors-open and after-closing reports run (domain/readiness.ts). */
import { durationField, idField, strictObject } from './fields';

const HOUR_MS = 3_600_000;

export const readinessField = strictObject({
  /** The venue's opening hours, one of `schedules:`: each window's start is an opening, its end a closing. */
  schedule: idField,
  before: durationField({ minMs: 60_000, maxMs: 12 * HOUR_MS }).default(20 * 60_000),
  afterClosing: durationField({ minMs: 0, maxMs: 12 * HOUR_MS }).default(15 * 60_000),
  recheckAfter: durationField({ minMs: 1_000, maxMs: HOUR_MS }).default(60_000),
});
