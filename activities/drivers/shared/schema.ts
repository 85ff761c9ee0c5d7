/** The `driver:` block of a machine in the venue file, one shape per device family. */
import { z } from 'zod';
import {
  baseUrlField,
  durationField,
  ipAddressField,
  macField,
  nonEmptyTextField,
  portField,
  positiveIntegerField,
  regexField,
  secretRefField,
  stateValueField,
  strictObject,
} from './fields';
import { OMIT_INPUT } from './issues';

const MAX_DEADLINE_MS = 60_000;
const MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

const timeouts = strictObject({
  connect: durationField({ minMs: 1, maxMs: MAX_DEADLINE_MS }).default(2_000),
  response: durationField({ minMs: 1, maxMs: MAX_DEADLINE_MS }).default(3_000),
}).prefault({});

function stateMatchers<Value extends z.ZodType>(value: Value) {
  const values = z.array(value).min(1, { error: 'expected at least one value' });
  return strictObject({ on: values, off: values, warming: values.optional(), cooling: values.optional() });
}

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
const httpRequest = strictObject(httpRequestShape);

const httpRead = z.union(
  [
    z.literal('status'),
    strictObject({ json: nonEmptyTextField }),
    strictObject({ regex: regexField({ captureGroup: true }) }),
  ],
  { error: 'expected status, { json: <dotted path> } or { regex: <pattern with a capture group> }' },
);

const httpProbe = strictObject({ ...httpRequestShape, read: httpRead, states: stateMatchers(stateValueField) });

/** Where an HTTP device is reached: baseUrl, or http://<address>:<port>. */
const httpTargetShape = {
  port: portField.optional(),
  baseUrl: baseUrlField.optional(),
  bearerToken: secretRefField.optional(),
  timeouts,
  maxResponseBytes: positiveIntegerField(MAX_RESPONSE_BYTES).default(65_536),
};

const terminator = z.string({ error: 'expected the terminator as text, e.g. "\\r\\n"' }).min(1, { error: 'expected a non-empty terminator' });

const tcpTargetShape = {
  port: portField,
  /** Sets both; sendTerminator / receiveTerminator override it one way. */
  terminator: terminator.optional(),
  sendTerminator: terminator.optional(),
  receiveTerminator: terminator.optional(),
  /** Regex of the greeting's last line, for devices that greet each connection (e.g. Extron SIS). */
  banner: regexField().optional(),
  timeouts,
  maxResponseBytes: positiveIntegerField(MAX_RESPONSE_BYTES).default(4_096),
};

const tcpExchange = strictObject({ send: nonEmptyTextField, expect: regexField() });

function withEitherPortOrBaseUrl<Target extends z.ZodType<{ port?: number; baseUrl?: string }>>(target: Target) {
  return target.superRefine((value, context) => {
    if (value.port !== undefined && value.baseUrl !== undefined) {
      context.addIssue({ code: 'custom', params: OMIT_INPUT, path: ['baseUrl'], message: 'give either port or baseUrl, not both' });
    }
  });
}

const pjlinkDriver = strictObject({
  type: z.literal('pjlink'),
  port: portField.default(4352),
  password: secretRefField.optional(),
  timeouts,
});

const httpDriver = withEitherPortOrBaseUrl(
  strictObject({ type: z.literal('http'), ...httpTargetShape, probe: httpProbe, on: httpRequest, off: httpRequest }),
);

const tcpDriver = strictObject({
  type: z.literal('tcp'),
  ...tcpTargetShape,
  probe: strictObject({ send: nonEmptyTextField, states: stateMatchers(regexField()) }),
  on: tcpExchange,
  off: tcpExchange,
});

const wolProbe = z.discriminatedUnion('type', [
  strictObject({ type: z.literal('tcp-connect'), port: portField, timeouts }),
  withEitherPortOrBaseUrl(strictObject({ type: z.literal('http'), ...httpTargetShape, probe: httpProbe })),
]);

const wolOff = z.discriminatedUnion('type', [
  withEitherPortOrBaseUrl(strictObject({ type: z.literal('http'), ...httpTargetShape, request: httpRequest })),
  strictObject({ type: z.literal('tcp'), ...tcpTargetShape, exchange: tcpExchange }),
]);

const wolDriver = strictObject({
  type: z.literal('wol'),
  mac: macField,
  broadcast: ipAddressField.default('255.255.255.255'),
  port: portField.default(9),
  probe: wolProbe,
  off: wolOff,
});

export const driverSchema = z.discriminatedUnion('type', [pjlinkDriver, httpDriver, tcpDriver, wolDriver]);

export type DriverEntry = z.output<typeof driverSchema>;
export type HttpTargetEntry = z.output<z.ZodObject<typeof httpTargetShape>>;
export type TcpTargetEntry = z.output<z.ZodObject<typeof tcpTargetShape>>;
export type HttpRequestEntry = z.output<typeof httpRequest>;
export type HttpProbeEntry = z.output<typeof httpProbe>;
