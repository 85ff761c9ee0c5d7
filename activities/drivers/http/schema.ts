/** The `driver:` block of an HTTP device in the venue file, and the HTTP pieces Wake-on-LAN reuses. */
import { z } from 'zod';
import { baseUrlField, nonEmptyTextField, portField, regexField, secretRefField, stateValueField, strictObject } from '../../../config/fields';
import { OMIT_INPUT } from '../../../config/issues';
import { declaredAspects, maxResponseBytes, stateMatchers, timeouts, toDeclaredAspects, toStates, toTimeouts, type DriverSchema } from '../shared/schema';
import type { HttpDriverSpec, HttpProbeSpec, HttpReadRequestSpec, HttpReadSpec, HttpRequestSpec } from './spec';

const httpRequestShape = {
  method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']),
  path: z
    .string({ error: 'expected a path like /api/power or an absolute URL' })
    .regex(/^(\/|https?:\/\/)/, { error: 'expected a path starting with / or an absolute http(s) URL' }),
  headers: z
    .record(
      z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, { error: 'expected a header name (letters, digits and -)' }),
      z.string({ error: 'expected a header value as text' }).regex(/^[^\r\n]*$/, { error: 'expected a header value on one line' }),
    )
    .optional(),
  body: z.string({ error: 'expected the body as text (quote JSON bodies)' }).optional(),
};
export const httpRequest = strictObject(httpRequestShape);

const httpRead = z.union(
  [
    z.literal('status'),
    strictObject({ json: nonEmptyTextField }),
    strictObject({ regex: regexField({ captureGroup: true }) }),
  ],
  { error: 'expected status, { json: <dotted path> } or { regex: <pattern with a capture group> }' },
);

export const httpProbe = strictObject({ ...httpRequestShape, read: httpRead, states: stateMatchers(stateValueField) });

const httpAspectRead = strictObject({ ...httpRequestShape, read: httpRead });

/** Where an HTTP device is reached: baseUrl, or http://<address>:<port>. */
export const httpTargetShape = {
  port: portField.optional(),
  baseUrl: baseUrlField.optional(),
  bearerToken: secretRefField.optional(),
  timeouts,
  maxResponseBytes: maxResponseBytes(65_536),
};

export function withEitherPortOrBaseUrl<Target extends z.ZodType<{ port?: number; baseUrl?: string }>>(target: Target) {
  return target.superRefine((value, context) => {
    if (value.port !== undefined && value.baseUrl !== undefined) {
      context.addIssue({ code: 'custom', params: OMIT_INPUT, path: ['baseUrl'], message: 'give either port or baseUrl, not both' });
    }
  });
}

const entry = withEitherPortOrBaseUrl(
  strictObject({
    type: z.literal('http'),
    ...httpTargetShape,
    probe: httpProbe,
    on: httpRequest,
    off: httpRequest,
    aspects: declaredAspects(httpAspectRead, httpRequest),
  }),
);

export const httpSchema: DriverSchema<typeof entry, HttpDriverSpec> = {
  entry,
  toSpec: (driver, host) => ({
    type: 'http',
    ...toHttpTarget(driver, host),
    probe: toHttpProbe(driver.probe),
    on: toHttpRequest(driver.on),
    off: toHttpRequest(driver.off),
    ...toDeclaredAspects(driver.aspects, toHttpReadRequest, toHttpRequest),
  }),
};

export function toHttpTarget(target: z.output<z.ZodObject<typeof httpTargetShape>>, host: string) {
  return {
    baseUrl: target.baseUrl?.replace(/\/+$/, '') ?? defaultBaseUrl(host, target.port),
    ...(target.bearerToken && { bearerToken: target.bearerToken }),
    timeouts: toTimeouts(target.timeouts),
    maxResponseBytes: target.maxResponseBytes,
  };
}

function defaultBaseUrl(host: string, port: number | undefined): string {
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return port === undefined ? `http://${urlHost}` : `http://${urlHost}:${port}`;
}

export function toHttpRequest(request: z.output<typeof httpRequest>): HttpRequestSpec {
  return {
    method: request.method,
    path: request.path,
    ...(request.headers && { headers: request.headers }),
    ...(request.body !== undefined && { body: request.body }),
  };
}

export function toHttpProbe(probe: z.output<typeof httpProbe>): HttpProbeSpec {
  return { ...toHttpReadRequest(probe), states: toStates(probe.states) };
}

function toHttpReadRequest(request: z.output<typeof httpAspectRead>): HttpReadRequestSpec {
  return { ...toHttpRequest(request), read: toHttpRead(request.read) };
}

function toHttpRead(read: z.output<typeof httpRead>): HttpReadSpec {
  if (read === 'status') return { from: 'status' };
  return 'json' in read ? { from: 'json', path: read.json } : { from: 'regex', pattern: read.regex };
}
