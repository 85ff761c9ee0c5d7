/**
 * The shapes that cross the boundary between configuration, workflows and activities.
 * Everything here travels through Temporal history, so it must never hold a secret:
 * credentials appear only as a `SecretRef` (a name) resolved by the worker.
 */

export type Power = 'on' | 'off';

/** What a device reports. Warming and cooling are transitional: a controller waits them out. */
export type ObservedPower = Power | 'warming' | 'cooling';

/** A credential by name; the worker resolves it from its environment or secrets file. */
export interface SecretRef {
  secret: string;
}

/** "HH:MM-HH:MM" in venue local time; an end at or before the start crosses midnight. */
export type TimeWindow = string;

export type Weekday = 'monday' | 'tuesday' | 'wednesday' | 'thursday' | 'friday' | 'saturday' | 'sunday';

export interface ScheduleException {
  /** Local date, YYYY-MM-DD. */
  date: string;
  /** Replaces the weekday's windows for that date; an empty list means closed. */
  windows: TimeWindow[];
  note?: string;
}

/** One machine's schedule, fully resolved: the venue timezone and the machine's lead/lag applied. */
export interface MachineSchedule {
  /** IANA timezone, e.g. Europe/London. */
  timezone: string;
  /** Name of the venue schedule this came from, for display. */
  name: string;
  weekly: Record<Weekday, TimeWindow[]>;
  exceptions: ScheduleException[];
  /** Switch on this long before a window opens. */
  leadMs: number;
  /** Switch off this long after a window closes. */
  lagMs: number;
}

export interface DriverTimeouts {
  /** Deadline for the TCP connect (or the HTTP request's connection). */
  connectMs: number;
  /** Deadline for each reply once connected. */
  responseMs: number;
}

/** How an HTTP or TCP reply maps to a power state: the first matching entry wins. */
export interface StateMatchers {
  on: string[];
  off: string[];
  warming?: string[];
  cooling?: string[];
}

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

export interface TcpExchangeSpec {
  /** Text sent, without terminator. */
  send: string;
  /** Regex the reply must match for success. */
  expect: string;
}

export interface TcpProbeSpec {
  send: string;
  /** Regexes matched against the reply line, per state. */
  states: StateMatchers;
}

export interface TcpLineDriverSpec {
  type: 'tcp';
  host: string;
  port: number;
  /** Appended to every command. */
  sendTerminator: string;
  /** Ends each reply line. */
  receiveTerminator: string;
  /**
   * Regex of the last line the device greets each connection with. Set: the driver waits for it
   * (up to the response timeout) before it sends. Unset: it listens for a short window instead.
   */
  banner?: string;
  timeouts: DriverTimeouts;
  maxResponseBytes: number;
  probe: TcpProbeSpec;
  on: TcpExchangeSpec;
  off: TcpExchangeSpec;
}

export interface PjlinkDriverSpec {
  type: 'pjlink';
  host: string;
  port: number;
  password?: SecretRef;
  timeouts: DriverTimeouts;
}

/** A PC's "is it up" check: the agent port accepts a TCP connection, or an HTTP probe. */
export type WolProbeSpec =
  | { type: 'tcp-connect'; host: string; port: number; timeouts: DriverTimeouts }
  | Omit<HttpDriverSpec, 'on' | 'off' | 'type'> & { type: 'http' };

/** How a PC is switched off: an HTTP call to its agent, or a TCP line command. */
export type WolOffSpec =
  | (Omit<HttpDriverSpec, 'probe' | 'on' | 'off' | 'type'> & { type: 'http'; request: HttpRequestSpec })
  | (Omit<TcpLineDriverSpec, 'probe' | 'on' | 'off' | 'type'> & { type: 'tcp'; exchange: TcpExchangeSpec });

export interface WolDriverSpec {
  type: 'wol';
  /** aa:bb:cc:dd:ee:ff */
  mac: string;
  /** Where the magic packet goes: the subnet's broadcast address in the field, loopback in tests. */
  broadcast: string;
  port: number;
  probe: WolProbeSpec;
  off: WolOffSpec;
}

export type DriverSpec = HttpDriverSpec | TcpLineDriverSpec | PjlinkDriverSpec | WolDriverSpec;

/** What an activity needs to reach a machine. */
export interface MachineTarget {
  id: string;
  name: string;
  /** Host or IP, for messages. */
  address: string;
  driver: DriverSpec;
}

/** One machine as its workflow sees it: configuration only, no state, no secrets. */
export interface MachineSpec extends MachineTarget {
  group: string;
  schedule: MachineSchedule;
  /** Period of the control loop; one minute in production, down to one second in tests. */
  tickMs: number;
  /** Consecutive failed checks after which the machine counts as failing. */
  failingAfter: number;
}
