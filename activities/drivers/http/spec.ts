/** HTTP devices (media players, PC agents): what a machine's `driver:` block becomes, and what it costs in time. */
import { declaredAspectSpecs, sumOfSteps, type DeclaredAspect, type DriverFamilySpec, type DriverTimeouts, type SecretRef, type StateMatchers } from '../shared/spec';

export interface HttpRequestSpec {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path (joined to the driver's base URL) or absolute URL. */
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

/**
 * Where a value is read from: the status code, a dotted JSON path in the body (`power.state`), or
 * the first capture group of a regex over the body.
 */
export type HttpReadSpec = { from: 'status' } | { from: 'json'; path: string } | { from: 'regex'; pattern: string };

export interface HttpReadRequestSpec extends HttpRequestSpec {
  read: HttpReadSpec;
}

export interface HttpProbeSpec extends HttpReadRequestSpec {
  /** Values (status codes, JSON values as strings, or captured text) for each state. */
  states: StateMatchers;
}

export interface HttpDriverSpec {
  type: 'http';
  /** e.g. http://10.0.0.5:8080; defaults to http://<address>:<port>. */
  baseUrl: string;
  /** Sent as `Authorization: Bearer <value>` when present. */
  bearerToken?: SecretRef;
  timeouts: DriverTimeouts;
  maxResponseBytes: number;
  probe: HttpProbeSpec;
  on: HttpRequestSpec;
  off: HttpRequestSpec;
  aspects?: Record<string, HttpAspectSpec>;
}

/** An aspect read by its own request (requests alike are sent once per probe) and set by another. */
export type HttpAspectSpec = DeclaredAspect<HttpReadRequestSpec, HttpRequestSpec>;

/** How to reach an HTTP device, without what to ask it. */
export type HttpConnectionSpec = Pick<HttpDriverSpec, 'baseUrl' | 'bearerToken' | 'timeouts' | 'maxResponseBytes'>;

/** Each step of a request and how long the client waits for it: the connection, then the whole response. */
export function httpSteps(spec: Pick<HttpConnectionSpec, 'timeouts'>) {
  return { connectMs: spec.timeouts.connectMs, responseMs: spec.timeouts.responseMs };
}

/** The requests a probe sends: the probe's, then each aspect's read request not already sent. */
export function httpReadRequests(spec: HttpDriverSpec, aspectReads: readonly string[]): HttpRequestSpec[] {
  const requests = [spec.probe, ...aspectReads.flatMap((name) => spec.aspects?.[name]?.read ?? [])];
  const seen = new Set<string>();
  return requests.filter((request) => {
    const key = requestKey(request);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Requests with the same key get the same answer within one probe. */
export function requestKey(request: HttpRequestSpec): string {
  return JSON.stringify([request.method, request.path, request.headers ?? {}, request.body ?? null]);
}

export const httpFamily: DriverFamilySpec<HttpDriverSpec> = {
  label: 'HTTP',
  deadlineMs: (spec, aspectReads) => httpReadRequests(spec, aspectReads).length * sumOfSteps(httpSteps(spec)),
  secretRefs: (spec) => [spec.bearerToken],
  aspects: (spec) => declaredAspectSpecs(spec.aspects),
};
