/**
 * HTTP devices (media players, PC agents): a probe request whose status, JSON value or regex
 * capture names the state, and plain on/off requests. Also serves the Wake-on-LAN driver's
 * HTTP probe and HTTP power-off.
 */
import type { AspectValue, AspectValues } from '../../../domain/aspects';
import type { Power } from '../../../domain/types';
import { DeviceAuthError, DeviceBusyError, DeviceCallContext, DeviceConfigError, DeviceProtocolError, quote, type DeviceError } from '../../errors';
import { httpExchange, type HttpReply } from '../../net/http-client';
import { aspectValueOf, compileRegex, matchState, specOf, wireValueOf, withValue, type DeviceDriver, type DriverCall, type PowerReading } from '../shared/client';
import { httpReadRequests, httpSteps, requestKey, type HttpConnectionSpec, type HttpDriverSpec, type HttpProbeSpec, type HttpReadSpec, type HttpRequestSpec } from './spec';

export const httpDriver: DeviceDriver = {
  async probe(call: DriverCall, aspectReads: readonly string[] = []): Promise<PowerReading> {
    const spec = specOf(call.target, 'http');
    const probed = await send(call, spec, spec.probe);
    const reading = powerOf(probed, spec.probe);
    if (reading.power !== 'on' || aspectReads.length === 0) return reading;
    return { ...reading, aspects: await readAspects(call, spec, aspectReads, probed) };
  },

  setPower(call: DriverCall, power: Power): Promise<{ detail: string }> {
    const spec = specOf(call.target, 'http');
    return commandHttp(call, spec, power === 'on' ? spec.on : spec.off);
  },

  async setAspect(call: DriverCall, aspect: string, value: AspectValue): Promise<{ detail: string }> {
    const spec = specOf(call.target, 'http');
    const declared = spec.aspects?.[aspect];
    if (!declared) throw undeclared(call, spec, aspect);
    const wire = wireValueOf(declared, value);
    const { set } = declared;
    return commandHttp(call, spec, { ...set, path: withValue(set.path, wire), ...(set.body !== undefined && { body: withValue(set.body, wire) }) });
  },
};

/** Each aspect's value from its read request's reply; a request several aspects share is sent once. */
async function readAspects(call: DriverCall, spec: HttpDriverSpec, aspectReads: readonly string[], probed: Answered): Promise<AspectValues> {
  const replies = new Map<string, Answered>([[requestKey(spec.probe), probed]]);
  for (const request of httpReadRequests(spec, aspectReads).slice(1)) replies.set(requestKey(request), await send(call, spec, request));
  const aspects: AspectValues = {};
  for (const name of aspectReads) {
    const declared = spec.aspects?.[name];
    if (!declared) throw undeclared(call, spec, name);
    const answered = replies.get(requestKey(declared.read));
    if (!answered) throw undeclared(call, spec, name);
    const { reply, context } = answered;
    const step = `read ${name}`;
    if (reply.status < 200 || reply.status >= 300) throw statusError(context, step, reply);
    aspects[name] = aspectValueOf(context, step, declared, readValue(context, step, declared.read.read, reply));
  }
  return aspects;
}

function undeclared(call: DriverCall, spec: HttpDriverSpec, aspect: string): DeviceConfigError {
  const declared = Object.keys(spec.aspects ?? {});
  return new DeviceCallContext(call.target, spec.baseUrl).error(
    DeviceConfigError,
    'select aspect',
    `no aspect "${aspect}" is declared; declared: ${declared.length === 0 ? 'none' : declared.join(', ')}`,
  );
}

export async function probeHttp(call: DriverCall, connection: HttpConnectionSpec, probe: HttpProbeSpec): Promise<PowerReading> {
  return powerOf(await send(call, connection, probe), probe);
}

function powerOf({ reply, context }: Answered, probe: HttpProbeSpec): PowerReading {
  const step = 'read state';
  const detail = describeReply(reply);
  const statusOk = reply.status >= 200 && reply.status < 300;
  if (probe.read.from !== 'status' && !statusOk) throw statusError(context, step, reply);

  const value = readValue(context, step, probe.read, reply);
  const power = matchState(probe.states, (candidate) => candidate === value);
  if (power) return { power, detail };
  if (!statusOk) throw statusError(context, step, reply);
  throw context.error(DeviceProtocolError, step, `value ${quote(value)} matches no configured state`);
}

/** Sends a command; any 2xx is success. */
export async function commandHttp(call: DriverCall, connection: HttpConnectionSpec, request: HttpRequestSpec): Promise<{ detail: string }> {
  const { reply, context } = await send(call, connection, request);
  if (reply.status < 200 || reply.status >= 300) throw statusError(context, 'check status', reply);
  return { detail: describeReply(reply) };
}

interface Answered {
  reply: HttpReply;
  context: DeviceCallContext;
}

async function send(call: DriverCall, connection: HttpConnectionSpec, request: HttpRequestSpec): Promise<Answered> {
  const url = requestUrl(call, connection.baseUrl, request.path);
  const context = new DeviceCallContext(call.target, `${request.method} ${url.origin}${url.pathname}`);
  const headers: Record<string, string> = { ...request.headers };
  const hasHeader = (name: string): boolean => Object.keys(headers).some((key) => key.toLowerCase() === name);
  // Device APIs speak JSON; a spec that sends something else names its content type.
  if (request.body !== undefined && !hasHeader('content-type')) headers['content-type'] = 'application/json';
  if (connection.bearerToken) headers.authorization = `Bearer ${call.secrets(connection.bearerToken)}`;

  const steps = httpSteps(connection);
  const reply = await httpExchange({
    url,
    method: request.method,
    headers,
    body: request.body,
    context,
    signal: call.signal,
    connectTimeoutMs: steps.connectMs,
    responseTimeoutMs: steps.responseMs,
    maxBodyBytes: connection.maxResponseBytes,
  });
  return { reply, context };
}

/** `path` joined to the base URL (keeping the base's own path), or `path` itself when absolute. */
function requestUrl(call: DriverCall, baseUrl: string, path: string): URL {
  try {
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(path)) return new URL(path);
    return new URL(`${baseUrl.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`);
  } catch (error) {
    throw new DeviceCallContext(call.target, baseUrl).error(
      DeviceConfigError,
      'build request URL',
      `invalid URL from base ${JSON.stringify(baseUrl)} and path ${JSON.stringify(path)}`,
      error,
    );
  }
}

function readValue(context: DeviceCallContext, step: string, read: HttpReadSpec, reply: HttpReply): string {
  if (read.from === 'status') return String(reply.status);
  if (read.from === 'regex') {
    const captured = compileRegex(context, read.pattern, step).exec(reply.body)?.[1];
    if (captured === undefined) {
      throw context.error(DeviceProtocolError, step, `regex ${JSON.stringify(read.pattern)} captured nothing in ${quote(reply.body)}`);
    }
    return captured;
  }
  let value: unknown;
  try {
    value = JSON.parse(reply.body);
  } catch (error) {
    throw context.error(DeviceProtocolError, step, `body is not JSON: ${quote(reply.body)}`, error);
  }
  for (const key of read.path.split('.')) {
    value = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
  }
  if (value === undefined) {
    throw context.error(DeviceProtocolError, step, `no value at JSON path "${read.path}" in ${quote(reply.body)}`);
  }
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function statusError(context: DeviceCallContext, step: string, reply: HttpReply): DeviceError {
  const problem = `HTTP ${reply.status} ${quote(reply.body)}`;
  if (reply.status === 401 || reply.status === 403) return context.error(DeviceAuthError, step, problem);
  if (reply.status === 409) return context.error(DeviceBusyError, step, problem);
  return context.error(DeviceProtocolError, step, problem);
}

function describeReply(reply: HttpReply): string {
  const body = reply.body.trim();
  return body ? `HTTP ${reply.status} ${body.length > 200 ? `${body.slice(0, 200)}…` : body}` : `HTTP ${reply.status}`;
}
