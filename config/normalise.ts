/** From the friendly file shape to the contract shapes of domain/types.ts, with every default applied. */
import type {
  DriverSpec,
  DriverTimeouts,
  HttpProbeSpec,
  HttpRequestSpec,
  MachineSchedule,
  MachineSpec,
  ScheduleException,
  StateMatchers,
  TcpExchangeSpec,
  Weekday,
} from '../domain/types';
import type { DriverEntry, HttpProbeEntry, HttpRequestEntry, HttpTargetEntry, TcpTargetEntry } from './driver-schema';
import { DEFAULT_GROUP, type VenueFile } from './schema';

export interface VenueConfig {
  /** The file it was read from, as given. */
  file: string;
  venue: { name: string; timezone: string };
  tickMs: number;
  machines: MachineSpec[];
}

type MachineEntry = VenueFile['machines'][number];
type ScheduleEntry = VenueFile['schedules'][string];

const WEEKDAYS: readonly Weekday[] = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];
const DEFAULT_TERMINATOR = '\r\n';

export function toVenueConfig(venueFile: VenueFile, file: string): VenueConfig {
  return {
    file,
    venue: { name: venueFile.venue.name, timezone: venueFile.venue.timezone },
    tickMs: venueFile.controller.tick,
    machines: venueFile.machines.map((machine) => toMachineSpec(venueFile, machine)),
  };
}

function toMachineSpec(venueFile: VenueFile, machine: MachineEntry): MachineSpec {
  const groupName = machine.group ?? DEFAULT_GROUP;
  const group = venueFile.groups[groupName];
  // schema.ts has checked that the machine or its group names an existing schedule.
  const scheduleName = (machine.schedule ?? group?.schedule) as string;
  return {
    id: machine.id,
    name: machine.name ?? machine.id,
    address: machine.address,
    group: groupName,
    driver: toDriverSpec(machine.driver, machine.address),
    schedule: toMachineSchedule(venueFile.schedules[scheduleName] as ScheduleEntry, {
      name: scheduleName,
      timezone: venueFile.venue.timezone,
      leadMs: machine.lead ?? group?.lead ?? 0,
      lagMs: machine.lag ?? group?.lag ?? 0,
    }),
    tickMs: venueFile.controller.tick,
    failingAfter: venueFile.controller.failingAfter,
  };
}

function toMachineSchedule(
  entry: ScheduleEntry,
  resolved: Pick<MachineSchedule, 'name' | 'timezone' | 'leadMs' | 'lagMs'>,
): MachineSchedule {
  const weekly = Object.fromEntries(WEEKDAYS.map((day) => [day, entry.weekly?.[day] ?? entry.daily ?? []])) as Record<Weekday, string[]>;
  const exceptions = entry.exceptions
    .map(({ date, hours, note }): ScheduleException => ({ date, windows: hours ?? [], ...(note !== undefined && { note }) }))
    .sort((a, b) => a.date.localeCompare(b.date));
  return { ...resolved, weekly, exceptions };
}

function toDriverSpec(driver: DriverEntry, host: string): DriverSpec {
  switch (driver.type) {
    case 'pjlink':
      return {
        type: 'pjlink',
        host,
        port: driver.port,
        ...(driver.password && { password: driver.password }),
        timeouts: toTimeouts(driver.timeouts),
      };
    case 'http':
      return { type: 'http', ...toHttpTarget(driver, host), probe: toHttpProbe(driver.probe), on: toHttpRequest(driver.on), off: toHttpRequest(driver.off) };
    case 'tcp':
      return {
        type: 'tcp',
        ...toTcpTarget(driver, host),
        probe: { send: driver.probe.send, states: toStates(driver.probe.states) },
        on: toExchange(driver.on),
        off: toExchange(driver.off),
      };
    case 'wol':
      return {
        type: 'wol',
        mac: driver.mac,
        broadcast: driver.broadcast,
        port: driver.port,
        probe: driver.probe.type === 'tcp-connect'
          ? { type: 'tcp-connect', host, port: driver.probe.port, timeouts: toTimeouts(driver.probe.timeouts) }
          : { type: 'http', ...toHttpTarget(driver.probe, host), probe: toHttpProbe(driver.probe.probe) },
        off: driver.off.type === 'http'
          ? { type: 'http', ...toHttpTarget(driver.off, host), request: toHttpRequest(driver.off.request) }
          : { type: 'tcp', ...toTcpTarget(driver.off, host), exchange: toExchange(driver.off.exchange) },
      };
  }
}

function toHttpTarget(target: HttpTargetEntry, host: string) {
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

function toTcpTarget(target: TcpTargetEntry, host: string) {
  return {
    host,
    port: target.port,
    sendTerminator: target.sendTerminator ?? target.terminator ?? DEFAULT_TERMINATOR,
    receiveTerminator: target.receiveTerminator ?? target.terminator ?? DEFAULT_TERMINATOR,
    ...(target.banner === undefined ? {} : { banner: target.banner }),
    timeouts: toTimeouts(target.timeouts),
    maxResponseBytes: target.maxResponseBytes,
  };
}

function toTimeouts(timeouts: { connect: number; response: number }): DriverTimeouts {
  return { connectMs: timeouts.connect, responseMs: timeouts.response };
}

function toHttpRequest(request: HttpRequestEntry): HttpRequestSpec {
  return {
    method: request.method,
    path: request.path,
    ...(request.headers && { headers: request.headers }),
    ...(request.body !== undefined && { body: request.body }),
  };
}

function toHttpProbe(probe: HttpProbeEntry): HttpProbeSpec {
  const read: HttpProbeSpec['read'] = probe.read === 'status'
    ? { from: 'status' }
    : 'json' in probe.read
      ? { from: 'json', path: probe.read.json }
      : { from: 'regex', pattern: probe.read.regex };
  return { ...toHttpRequest(probe), read, states: toStates(probe.states) };
}

function toStates(states: { on: string[]; off: string[]; warming?: string[] | undefined; cooling?: string[] | undefined }): StateMatchers {
  return {
    on: states.on,
    off: states.off,
    ...(states.warming && { warming: states.warming }),
    ...(states.cooling && { cooling: states.cooling }),
  };
}

function toExchange(exchange: { send: string; expect: string }): TcpExchangeSpec {
  return { send: exchange.send, expect: exchange.expect };
}
