/** HTTP devices (media players, PC agents): what a machine's `driver:` block becomes, and what it costs in time. */
import { sumOfSteps, type DriverFamilySpec, type DriverTimeouts, type SecretRef, type StateMatchers } from '../shared/spec';

export interface HttpRequestSpec {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path (joined to the driver's base URL) or absolute URL. */
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface HttpProbeSpec extends HttpRequestSpec {
  /**
   * Where the state is read from: the status code, a dotted JSON path in the body
   * (`power.state`), or the first capture group of a regex over the body.
   */
  read: { from: 'status' } | { from: 'json'; path: string } | { from: 'regex'; pattern: string };
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
}

/** How to reach an HTTP device, without what to ask it. */
export type HttpConnectionSpec = Pick<HttpDriverSpec, 'baseUrl' | 'bearerToken' | 'timeouts' | 'maxResponseBytes'>;

/** Each step of a request and how long the client waits for it: the connection, then the whole response. */
export function httpSteps(spec: Pick<HttpConnectionSpec, 'timeouts'>) {
  return { connectMs: spec.timeouts.connectMs, responseMs: spec.timeouts.responseMs };
}

export const httpFamily: DriverFamilySpec<HttpDriverSpec> = {
  label: 'HTTP',
  deadlineMs: (spec) => sumOfSteps(httpSteps(spec)),
  secretRefs: (spec) => [spec.bearerToken],
};
