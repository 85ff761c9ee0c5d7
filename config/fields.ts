/**
 * Building blocks of the venue file schema. Each carries an "expected ..." message that
 * reads well after a path; the issue formatter appends what was found instead.
 */
import { isIP } from 'node:net';
import { z } from 'zod';
import { formatDuration, InvalidDurationError, parseDuration } from '../domain/duration';
import { isValidTimeZone, parseTimeWindow } from '../domain/schedule';
import { OMIT_INPUT, similarNames } from './issues';

/** An object that rejects unknown keys, naming the likely intended key or the allowed ones. */
export function strictObject<Shape extends z.core.$ZodLooseShape>(shape: Shape) {
  const allowed = Object.keys(shape);
  return z.strictObject(shape, {
    error: (issue) => (issue.code === 'unrecognized_keys' ? unknownKeysMessage(issue.keys, allowed) : undefined),
  });
}

function unknownKeysMessage(unknown: string[], allowed: string[]): string {
  const [onlyKey] = unknown;
  const expected = `expected one of: ${allowed.join(', ')}`;
  if (unknown.length > 1 || onlyKey === undefined) return `unknown keys ${unknown.map((key) => JSON.stringify(key)).join(', ')}, ${expected}`;
  const [suggestion] = similarNames(onlyKey, allowed);
  return suggestion ? `unknown key, did you mean "${suggestion}"?` : `unknown key, ${expected}`;
}

export function durationField(bounds: { minMs?: number; maxMs?: number } = {}) {
  const { minMs = 0, maxMs = Number.POSITIVE_INFINITY } = bounds;
  const expected = 'expected a duration like 500ms, 30s, 15m or 1h30m';
  const outOfRange = !Number.isFinite(maxMs)
    ? `expected a duration of at least ${formatDuration(minMs)}`
    : minMs === 0
      ? `expected a duration of at most ${formatDuration(maxMs)}`
      : `expected a duration from ${formatDuration(minMs)} to ${formatDuration(maxMs)}`;
  return z.string({ error: expected }).transform((text, context) => {
    const ms = parseDurationOrUndefined(text);
    if (ms === undefined || ms < minMs || ms > maxMs) {
      context.issues.push({ code: 'custom', message: ms === undefined ? expected : outOfRange, input: text });
      return z.NEVER;
    }
    return ms;
  });
}

function parseDurationOrUndefined(text: string): number | undefined {
  try {
    return parseDuration(text);
  } catch (error) {
    if (error instanceof InvalidDurationError) return undefined;
    throw error;
  }
}

const PORT = 'expected an integer from 1 to 65535';
export const portField = z.int({ error: PORT }).min(1, { error: PORT }).max(65535, { error: PORT });

export function positiveIntegerField(maximum: number) {
  const expected = `expected an integer from 1 to ${maximum}`;
  return z.int({ error: expected }).min(1, { error: expected }).max(maximum, { error: expected });
}

/** Machine ids become workflow ids (`machine-<id>`) and URL path segments, hence the narrow alphabet. */
const ID = /^[a-z0-9][a-z0-9._-]{0,62}$/;
export const idField = z
  .string({ error: 'expected a name' })
  .regex(ID, { error: 'expected a name of lowercase letters, digits, ".", "_" or "-", starting with a letter or digit, at most 63 characters' });

/** Names an aspect beside power, e.g. input, mute, volume, playlist. */
export const aspectNameField = z
  .string()
  .regex(/^[a-z][a-zA-Z0-9_-]{0,31}$/, { error: 'expected an aspect name of letters, digits, "_" or "-", starting with a lowercase letter' });

export const nonEmptyTextField = z.string({ error: 'expected text' }).min(1, { error: 'expected non-empty text' });

const HOST_NAME = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
const LOOKS_LIKE_IPV4 = /^[\d.]+$/;
export const hostField = z
  .string({ error: 'expected a host name or IP address' })
  .refine((host) => isIP(host) !== 0 || (HOST_NAME.test(host) && !LOOKS_LIKE_IPV4.test(host)), {
    error: 'expected a host name or IP address, without scheme or port',
  });

export const ipAddressField = z
  .string({ error: 'expected an IP address' })
  .refine((address) => isIP(address) !== 0, { error: 'expected an IP address' });

export const baseUrlField = z
  .string({ error: 'expected a URL like http://10.0.0.5:8080' })
  .refine(isHttpUrl, { error: 'expected an http:// or https:// URL like http://10.0.0.5:8080' });

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.username === '' && url.password === '';
  } catch {
    return false;
  }
}

export const timeZoneField = z
  .string({ error: 'expected an IANA time zone like Europe/London' })
  // Intl also accepts offsets like "+01:00", which have no daylight saving; a venue needs a named zone.
  .refine((zone) => /^[A-Za-z]/.test(zone) && isValidTimeZone(zone), {
    error: 'expected an IANA time zone like Europe/London',
  });

const WINDOW = 'expected a time window "HH:MM-HH:MM" on a 24-hour clock (24:00 allowed as an end)';
export const timeWindowField = z.string({ error: WINDOW }).refine(isTimeWindow, { error: WINDOW });

function isTimeWindow(text: string): boolean {
  try {
    parseTimeWindow(text);
    return true;
  } catch {
    return false;
  }
}

const DATE = 'expected a date YYYY-MM-DD';
export const dateField = z.string({ error: DATE }).refine(isCalendarDate, { error: DATE });

function isCalendarDate(text: string): boolean {
  const match = /^(\d{4})-(\d\d)-(\d\d)$/.exec(text);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

const MAC = /^[0-9a-f]{2}([:-])[0-9a-f]{2}(?:\1[0-9a-f]{2}){4}$/i;
export const macField = z
  .string({ error: 'expected a MAC address like aa:bb:cc:dd:ee:ff' })
  .regex(MAC, { error: 'expected a MAC address like aa:bb:cc:dd:ee:ff' })
  .transform((mac) => mac.toLowerCase().replaceAll('-', ':'));

/** A regular expression, compiled once here so a typo fails at load rather than at the first probe. */
export function regexField(options: { captureGroup?: boolean } = {}) {
  return z.string({ error: 'expected a regular expression' }).superRefine((pattern, context) => {
    let compiled: RegExp;
    try {
      compiled = new RegExp(pattern);
    } catch (error) {
      context.addIssue({ code: 'custom', message: `expected a regular expression (${(error as Error).message})`, input: pattern });
      return;
    }
    // Matching an alternation with the empty pattern always succeeds and yields one slot per group.
    const groupCount = (new RegExp(`${compiled.source}|`).exec('')?.length ?? 1) - 1;
    if (options.captureGroup && groupCount === 0) {
      context.addIssue({ code: 'custom', message: 'expected a regular expression with a capture group (...) around the state', input: pattern });
    }
  });
}

/** State values as written (`on`, `200`, `true`) compared as text against what the device reports. */
export const stateValueField = z
  .union([z.string(), z.number(), z.boolean()], { error: 'expected text, a number or true/false' })
  .transform(String);

const SECRET_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

/**
 * `{ secret: NAME }`. Hand-checked rather than built from zod parts so that no error message
 * ever echoes the value, which may be a password typed in by mistake.
 */
export const secretRefField = z.unknown().transform((value, context) => {
  const secret = (value as { secret?: unknown } | null)?.secret;
  const isRef = typeof value === 'object' && value !== null && Object.keys(value).length === 1 && typeof secret === 'string';
  if (isRef && SECRET_NAME.test(secret)) return { secret };
  context.issues.push({
    code: 'custom',
    message: 'expected { secret: NAME } with a name of letters, digits, ".", "_" or "-"; credentials never go in this file',
    input: value,
    params: OMIT_INPUT,
  });
  return z.NEVER;
});
