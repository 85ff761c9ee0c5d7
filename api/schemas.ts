/**
 * What the API accepts, as zod schemas. The OpenAPI document's parameters and request bodies are
 * generated from these (api/openapi.ts), so the documented and the enforced rules are the same objects.
 */
import { REPORT_KINDS } from '../domain/readiness';
import { z } from 'zod';
import { aspectNameField, idField } from '../config/fields';
import { parseDuration } from '../domain/duration';
import { HEALTH_VALUES, MODE_VALUES, OBSERVED_VALUES, POWER_VALUES } from '../workflows/machine/contract';
import { fromZodError } from './errors';

const ISO_TIME = String.raw`\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})`;
/** parseDuration's syntax: whole numbers with units, largest first, each unit once. */
const DURATION = String.raw`(?=\d)(?:\d+d)?(?:\d+h)?(?:\d+m(?!s))?(?:\d+s)?(?:\d+ms)?`;
const DURATION_ONLY = new RegExp(`^${DURATION}$`);

export const MAX_WAIT_MS = 30_000;
export const MAX_PAGE_SIZE = 1000;
export const DEFAULT_PAGE_SIZE = 100;

function durationMs(text: string, ctx: z.RefinementCtx): number {
  try {
    return parseDuration(text);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: err instanceof Error ? err.message : 'invalid duration' });
    return z.NEVER;
  }
}

/** An absolute time, or a duration from now; it must lie in the future. */
function untilMs(text: string, ctx: z.RefinementCtx): number {
  const now = Date.now();
  const atMs = DURATION_ONLY.test(text) ? now + durationMs(text, ctx) : Date.parse(text);
  if (!Number.isFinite(atMs) || Number.isNaN(new Date(atMs).getTime())) {
    ctx.addIssue({ code: 'custom', message: `${JSON.stringify(text)} is not a valid time` });
    return z.NEVER;
  }
  if (atMs <= now) {
    ctx.addIssue({ code: 'custom', message: `${JSON.stringify(text)} is not in the future` });
    return z.NEVER;
  }
  return atMs;
}

const textField = (maximum: number, what: string) =>
  z
    .string({ error: 'expected text' })
    .max(maximum, { error: `expected at most ${maximum} characters` })
    .regex(/\S/, { error: 'expected non-empty text' })
    .meta({ description: what });

const reasonField = textField(500, 'Why: shown in the audit trail and the Web UI.');
const byField = textField(100, 'Who asked; defaults to "api".');

const untilField = z
  .string({ error: 'expected a time or a duration' })
  .max(64, { error: 'expected at most 64 characters' })
  .regex(new RegExp(`^(?:${ISO_TIME}|${DURATION})$`), {
    error: 'expected an ISO 8601 time with an offset (2030-06-01T22:00:00Z) or a duration (90m, 2h, 1h30m)',
  })
  .meta({ description: 'When it ends by itself: an ISO 8601 time with an offset, or a duration from now such as "2h". Open-ended when absent.' })
  .transform(untilMs);

const powerField = z.enum(POWER_VALUES, { error: `expected ${POWER_VALUES.map((value) => JSON.stringify(value)).join(' or ')}` });

const aspectValue = z.union([z.string().max(200), z.number(), z.boolean()], { error: 'expected text, a number or true/false' });

export const overrideBody = z
  .strictObject({
    power: powerField.optional(),
    scene: idField.meta({ description: 'A scene of the venue configuration: its aspect values win over the schedule\'s.' }).optional(),
    aspects: z
      .record(aspectNameField, aspectValue)
      .meta({ description: 'Single aspects, e.g. {"input": "HDMI2", "volume": 60}: they win over any scene.' })
      .optional(),
    until: untilField.optional(),
    reason: reasonField,
    by: byField.optional(),
  })
  .refine((body) => body.power !== undefined || body.scene !== undefined || body.aspects !== undefined, { error: 'give power, scene or aspects (or several)' })
  // What the refinement enforces, for the OpenAPI document.
  .meta({ anyOf: [{ required: ['power'] }, { required: ['scene'] }, { required: ['aspects'] }] });

export const maintenanceBody = z.strictObject({
  until: untilField.optional(),
  reason: reasonField,
  by: byField.optional(),
});

/** Clearing an override, ending maintenance, reconciling: who and why are optional. */
export const actorBody = z.strictObject({
  reason: reasonField.optional(),
  by: byField.optional(),
});

export const syncBody = z.strictObject({
  by: byField.optional(),
});

export const machinePath = z.strictObject({ id: idField.meta({ description: 'Machine id from the venue configuration.' }) });
export const groupPath = z.strictObject({ group: idField.meta({ description: 'Group name from the venue configuration.' }) });
/** For operations that take no query parameters and say so with a 400. */
export const reportPath = z.strictObject({
  kind: z.enum(REPORT_KINDS, { error: `expected ${REPORT_KINDS.join(' or ')}` }).meta({ description: 'doors-open: about the next opening; after-closing: about the last closing.' }),
});

export const noQuery = z.strictObject({});

export const mutationQuery = z.strictObject({
  wait: z
    .string({ error: 'expected a duration' })
    .max(32, { error: 'expected at most 32 characters' })
    .regex(DURATION_ONLY, { error: 'expected a duration such as 5s or 1500ms' })
    .meta({ description: `Wait up to this long (at most ${MAX_WAIT_MS / 1000}s) for the workflow to apply the change.` })
    .transform(durationMs)
    .pipe(z.number().max(MAX_WAIT_MS, { error: `expected at most ${MAX_WAIT_MS / 1000}s` }))
    .optional(),
});

const oneOf = <T extends readonly [string, ...string[]]>(values: T, what: string) =>
  z.enum(values, { error: `expected one of ${values.join(', ')}` }).meta({ description: what });

export const listQuery = z.strictObject({
  group: idField.meta({ description: 'Only machines of this group.' }).optional(),
  health: oneOf(HEALTH_VALUES, 'Only machines with this health.').optional(),
  desired: oneOf(POWER_VALUES, 'Only machines that should be in this state.').optional(),
  observed: oneOf(OBSERVED_VALUES, 'Only machines last seen in this state.').optional(),
  mode: oneOf(MODE_VALUES, 'Only machines under this kind of control.').optional(),
  limit: z
    .string({ error: 'expected a whole number' })
    .regex(/^\d{1,7}$/, { error: `expected a whole number from 1 to ${MAX_PAGE_SIZE}` })
    .meta({ description: `Page size, 1 to ${MAX_PAGE_SIZE}; ${DEFAULT_PAGE_SIZE} when absent.` })
    .transform(Number)
    .pipe(z.number().min(1, { error: `expected at least 1` }).max(MAX_PAGE_SIZE, { error: `expected at most ${MAX_PAGE_SIZE}` }))
    .optional(),
  cursor: z
    .string({ error: 'expected a cursor' })
    .regex(/^[A-Za-z0-9_-]{1,8192}\.[A-Za-z0-9_-]{22}$/, { error: 'expected the nextCursor of a previous page' })
    .meta({ description: 'The nextCursor of the previous page.' })
    .optional(),
});

export type OverrideBody = z.output<typeof overrideBody>;
export type MaintenanceBody = z.output<typeof maintenanceBody>;
export type ActorBody = z.output<typeof actorBody>;
export type ListQuery = z.output<typeof listQuery>;

/** Parses request input; a violation becomes a 400 naming the field. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, location: 'body' | 'query' | 'path'): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw fromZodError(parsed.error, location);
  return parsed.data;
}
