/**
 * The two files a benchmark hands to the real programs: the simulator's device list and the
 * venue file the worker and inventory sync read, written for simulated devices of every kind.
 * Each device gets its own loopback address, like its own host on a venue network.
 */
import { stringify } from 'yaml';
import type { DriverTimeouts } from '../activities/drivers/shared/spec';
import { formatDuration } from '../domain/duration';
import type { DeviceConfig, DeviceKind, Fault, SimulatorConfig } from '../simulator';
import type { SimulatedDeviceAddress } from './processes';

export interface BenchDevice {
  id: string;
  kind: DeviceKind;
  initialPower: 'on' | 'off';
  fault?: Fault;
  /** Warm-up / boot and cool-down / shutdown time of the simulated device. */
  transitionMs: number;
}

/** 127.60.0.1, 127.60.0.2, ...: distinct hosts on loopback, far from the demo's 127.0.x.x. */
export function loopbackHost(index: number): string {
  return `127.60.${Math.floor(index / 250)}.${(index % 250) + 1}`;
}

/** Every device on its own host, ports chosen by the OS (read back from the simulator's --json line). */
export function simulatorConfigFor(devices: BenchDevice[]): SimulatorConfig {
  return { devices: devices.map((device, index) => deviceConfig(device, loopbackHost(index))) };
}

function deviceConfig(device: BenchDevice, host: string): DeviceConfig {
  const common = { id: device.id, host, port: 0, initialPower: device.initialPower, ...(device.fault ? { fault: device.fault } : {}) };
  return SIMULATED_KINDS[device.kind].device(common, device);
}

/** A locally administered MAC derived from the host, so it is unique per device. */
function macOf(host: string): string {
  const [, , third = '0', fourth = '0'] = host.split('.');
  return ['02', '00', '00', '60', third, fourth].map((part) => Number.parseInt(part, 10).toString(16).padStart(2, '0').slice(-2)).join(':');
}

/** Credentials of the simulated devices, by the secret names the venue file refers to; the worker processes get them. */
export const BENCH_SECRETS = { BENCH_PDU_COMMUNITY: 'bench-pdu-community', BENCH_SWITCH_COMMUNITY: 'bench-switch-community' } as const;

export interface VenueFileOptions {
  name: string;
  tickMs: number;
  failingAfter: number;
  timeouts: DriverTimeouts;
  /** Machines are wanted on all day, every day, so every tick is a probe and drift is corrected. */
  devices: SimulatedDeviceAddress[];
  /** Group of each machine; defaults to its device kind. */
  groupOf?: (device: SimulatedDeviceAddress) => string;
  /**
   * Every machine (HTTP players only) also declares two aspects, volume and playlist, read from the
   * same status request as its power and wanted as the simulator starts them: a healthy check with
   * aspects is still one request and no command.
   */
  withAspects?: boolean;
  /** The machines and groups each machine needs (`dependsOn:`); none when undefined or empty. */
  dependsOnOf?: (device: SimulatedDeviceAddress) => string[] | undefined;
  /** `controller.dependencies.recheck`; the product's default when undefined. */
  dependencyRecheckMs?: number;
}

/** The values the simulator's HTTP player starts with (simulator/config.ts). */
const PLAYER_ASPECTS = { volume: 50, playlist: 'default' };

export function venueFileFor(options: VenueFileOptions): string {
  const groupOf = options.groupOf ?? ((device: SimulatedDeviceAddress) => device.kind);
  const groups = [...new Set(options.devices.map(groupOf))];
  const timeouts = { connect: formatDuration(options.timeouts.connectMs), response: formatDuration(options.timeouts.responseMs) };
  const venue = {
    venue: { name: options.name, timezone: 'UTC' },
    controller: {
      tick: formatDuration(options.tickMs),
      failingAfter: options.failingAfter,
      ...(options.dependencyRecheckMs !== undefined && { dependencies: { recheck: formatDuration(options.dependencyRecheckMs) } }),
    },
    schedules: { always: { daily: ['00:00-24:00'] } },
    groups: Object.fromEntries(groups.map((group) => [group, { schedule: 'always' }])),
    machines: options.devices.map((device) => ({
      id: device.id,
      name: `${device.kind} ${device.id}`,
      group: groupOf(device),
      address: device.host,
      driver: driverFor(device, timeouts, options.withAspects === true),
      ...(options.withAspects && { aspects: PLAYER_ASPECTS }),
      ...dependsOnField(options.dependsOnOf?.(device)),
    })),
  };
  return toYaml(venue);
}

function dependsOnField(needs: string[] | undefined): { dependsOn?: string[] } {
  return needs && needs.length > 0 ? { dependsOn: needs } : {};
}

/** Plain YAML without anchors: the venue loader rejects many aliases as a resource attack. */
export function toYaml(document: unknown): string {
  return stringify(document, { lineWidth: 0, aliasDuplicateObjects: false });
}

function driverFor(device: SimulatedDeviceAddress, timeouts: VenueTimeouts, withAspects: boolean): Record<string, unknown> {
  const kind = SIMULATED_KINDS[device.kind as DeviceKind];
  if (!kind) throw new Error(`no venue driver for simulated device kind ${device.kind}`);
  if (!withAspects) return kind.driver(device, timeouts);
  if (device.kind !== 'http') throw new Error(`aspects are only declared for http devices, not ${device.kind} ${device.id}`);
  return playerWithAspects(kind.driver(device, timeouts));
}

function playerWithAspects(driver: Record<string, unknown>): Record<string, unknown> {
  const status = { method: 'GET', path: '/api/v1/status' };
  const json = { 'content-type': 'application/json' };
  return {
    ...driver,
    probe: { ...(driver.probe as Record<string, unknown>), ...status },
    aspects: {
      volume: {
        type: 'number',
        min: 0,
        max: 100,
        tolerance: 2,
        read: { ...status, read: { json: 'volume' } },
        set: { method: 'PUT', path: '/api/v1/volume', headers: json, body: '{"volume":{value}}' },
      },
      playlist: {
        type: 'text',
        read: { ...status, read: { json: 'playlist' } },
        set: { method: 'PUT', path: '/api/v1/playlist', headers: json, body: '{"playlist":"{value}"}' },
      },
    },
  };
}

type VenueTimeouts = { connect: string; response: string };
type CommonDeviceFields = Pick<BenchDevice, 'id' | 'initialPower' | 'fault'> & { host: string; port: number };

/** Each kind of simulated device: its simulator entry, and the venue file's `driver:` block that talks to it. */
const SIMULATED_KINDS: Record<DeviceKind, {
  device(common: CommonDeviceFields, device: BenchDevice): DeviceConfig;
  driver(device: SimulatedDeviceAddress, timeouts: VenueTimeouts): Record<string, unknown>;
}> = {
  pjlink: {
    device: (common, device) => ({ ...common, kind: 'pjlink', warmupMs: device.transitionMs, cooldownMs: device.transitionMs }),
    driver: (device, timeouts) => ({ type: 'pjlink', port: device.port, timeouts }),
  },
  http: {
    device: (common, device) => ({ ...common, kind: 'http', bootMs: device.transitionMs, shutdownMs: device.transitionMs }),
    driver: (device, timeouts) => ({
      type: 'http',
      port: device.port,
      timeouts,
      probe: {
        method: 'GET',
        path: '/api/v1/power',
        read: { json: 'power' },
        states: { on: ['on'], off: ['off'], warming: ['booting'], cooling: ['shutting-down'] },
      },
      on: { method: 'PUT', path: '/api/v1/power', headers: { 'content-type': 'application/json' }, body: '{"power":"on"}' },
      off: { method: 'PUT', path: '/api/v1/power', headers: { 'content-type': 'application/json' }, body: '{"power":"off"}' },
    }),
  },
  tcp: {
    device: (common) => ({ ...common, kind: 'tcp', banner: 'AMP-4000 ready' }),
    driver: (device, timeouts) => ({
      type: 'tcp',
      port: device.port,
      terminator: '\r\n',
      timeouts,
      probe: { send: 'POWER?', states: { on: ['^POWER ON$'], off: ['^POWER OFF$'] } },
      on: { send: 'POWER ON', expect: '^OK$' },
      off: { send: 'POWER OFF', expect: '^OK$' },
    }),
  },
  pdu: {
    // The machine is outlet 1 of a PDU of its own, with nothing plugged in: the outlet's state is its power.
    device: (common, device) => ({ ...common, kind: 'pdu', initialPower: 'on', community: BENCH_SECRETS.BENCH_PDU_COMMUNITY, initialOutlets: { 1: device.initialPower } }),
    driver: (device, timeouts) => ({ type: 'pdu', port: device.port, outlet: 1, community: { secret: 'BENCH_PDU_COMMUNITY' }, timeouts: { response: timeouts.response } }),
  },
  switch: {
    // Watched, never switched: always on, whatever the benchmark's device says.
    device: (common) => ({ ...common, kind: 'switch', initialPower: 'on', community: BENCH_SECRETS.BENCH_SWITCH_COMMUNITY }),
    driver: (device, timeouts) => ({ type: 'snmp', port: device.port, community: { secret: 'BENCH_SWITCH_COMMUNITY' }, timeouts: { response: timeouts.response } }),
  },
  wol: {
    device: (common, device) => ({
      ...common,
      kind: 'wol',
      mac: macOf(common.host),
      wolPort: 0,
      bootMs: device.transitionMs,
      shutdownMs: device.transitionMs,
    }),
    driver: (device, timeouts) => {
      if (device.wolPort === undefined) throw new Error(`wol ${device.id} has no wolPort`);
      return {
        type: 'wol',
        mac: macOf(device.host),
        broadcast: device.host,
        port: device.wolPort,
        probe: { type: 'tcp-connect', port: device.port, timeouts },
        off: { type: 'http', port: device.port, timeouts, request: { method: 'POST', path: '/shutdown' } },
      };
    },
  },
};

/**
 * The kinds a benchmark's machine mix cycles through. PDU outlets and switches are not among them:
 * the soak and scale numbers in BENCHMARKS.md were measured without, and their place in a venue
 * (the outlets feeding other machines, the switch they hang on) comes with the dependency work of issue 15.
 */
const INFRASTRUCTURE_KINDS: readonly DeviceKind[] = ['pdu', 'switch'];
export const DEVICE_KINDS = (Object.keys(SIMULATED_KINDS) as DeviceKind[]).filter((kind) => !INFRASTRUCTURE_KINDS.includes(kind));
