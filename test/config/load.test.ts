import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../config/errors';
import { loadVenueConfig, parseVenueConfig } from '../../config/load';
import { isScheduledOn } from '../../domain/schedule';
import type { MachineSchedule, MachineSpec } from '../../domain/types';

const FULL_VENUE = `
venue:
  name: Demo Museum
  timezone: Europe/London
controller:
  tick: 5s
  failingAfter: 3
schedules:
  museum:
    weekly:
      monday: []
      saturday: ["10:00-13:00", "14:00-22:00"]
      sunday: ["22:00-02:00"]
    daily: ["10:00-18:00"]
    exceptions:
      - { date: 2026-12-31, hours: ["10:00-01:00"], note: New Year's Eve }
      - { date: 2026-12-25, closed: true, note: Christmas }
  late:
    weekly: { friday: ["18:00-23:00"] }
groups:
  projectors: { schedule: museum, lead: 15m, lag: 10m }
  pcs: { schedule: late }
machines:
  - id: proj-01
    name: Gallery 1 projector
    group: projectors
    address: 127.0.0.1
    lead: 20m
    driver: { type: pjlink, password: { secret: GALLERY_PJLINK } }
  - id: player-01
    group: projectors
    address: localhost
    schedule: late
    lag: 0s
    driver:
      type: http
      port: 8080
      bearerToken: { secret: PLAYER_TOKEN }
      timeouts: { response: 4s }
      probe: { method: GET, path: /api/v1/power, read: { json: power.state }, states: { on: [on, 1], off: [off], warming: [booting], cooling: [shutting-down] } }
      on: { method: PUT, path: /api/v1/power, body: '{"power":"on"}', headers: { content-type: application/json } }
      off: { method: PUT, path: /api/v1/power, body: '{"power":"off"}' }
  - id: amp-01
    address: 127.0.0.1
    schedule: museum
    driver:
      type: tcp
      port: 5000
      terminator: "\\r"
      receiveTerminator: "\\r\\n"
      probe: { send: "POWER?", states: { on: ["^POWER ON$"], off: ["^POWER OFF$"] } }
      on: { send: "POWER ON", expect: "^OK$" }
      off: { send: "POWER OFF", expect: "^OK$" }
  - id: pc-01
    group: pcs
    address: 127.0.0.1
    driver:
      type: wol
      mac: AA-BB-CC-DD-EE-01
      broadcast: 127.0.0.1
      port: 40009
      probe: { type: tcp-connect, port: 3389 }
      off: { type: http, baseUrl: "http://127.0.0.1:8000/agent/", request: { method: POST, path: /shutdown } }
  - id: pc-02
    group: pcs
    address: ::1
    driver:
      type: wol
      mac: "aa:bb:cc:dd:ee:02"
      probe: { type: http, port: 8000, probe: { method: GET, path: /health, read: status, states: { on: [200], off: [503] } } }
      off: { type: tcp, port: 9100, exchange: { send: SHUTDOWN, expect: "^BYE" } }
`;

const DEFAULT_TIMEOUTS = { connectMs: 2_000, responseMs: 3_000 };

const museumSchedule: Omit<MachineSchedule, 'leadMs' | 'lagMs'> = {
  name: 'museum',
  timezone: 'Europe/London',
  weekly: {
    monday: [],
    tuesday: ['10:00-18:00'],
    wednesday: ['10:00-18:00'],
    thursday: ['10:00-18:00'],
    friday: ['10:00-18:00'],
    saturday: ['10:00-13:00', '14:00-22:00'],
    sunday: ['22:00-02:00'],
  },
  exceptions: [
    { date: '2026-12-25', windows: [], note: 'Christmas' },
    { date: '2026-12-31', windows: ['10:00-01:00'], note: "New Year's Eve" },
  ],
};

const lateSchedule: Omit<MachineSchedule, 'leadMs' | 'lagMs'> = {
  name: 'late',
  timezone: 'Europe/London',
  weekly: { monday: [], tuesday: [], wednesday: [], thursday: [], friday: ['18:00-23:00'], saturday: [], sunday: [] },
  exceptions: [],
};

function machine(id: string): MachineSpec {
  const found = parseVenueConfig(FULL_VENUE, 'venue.yaml').machines.find((candidate) => candidate.id === id);
  if (!found) throw new Error(`no machine ${id}`);
  return found;
}

describe('parseVenueConfig with a valid venue', () => {
  it('when parsed, then the venue, tick and machine order are kept', () => {
    const config = parseVenueConfig(FULL_VENUE, 'config/venue.yaml');
    expect(config.file).toBe('config/venue.yaml');
    expect(config.venue).toEqual({ name: 'Demo Museum', timezone: 'Europe/London' });
    expect(config.tickMs).toBe(5_000);
    expect(config.machines.map((spec) => spec.id)).toEqual(['proj-01', 'player-01', 'amp-01', 'pc-01', 'pc-02']);
  });

  it('when a PJLink machine takes its group schedule and overrides the lead, then it is fully resolved', () => {
    expect(machine('proj-01')).toEqual({
      id: 'proj-01',
      name: 'Gallery 1 projector',
      address: '127.0.0.1',
      group: 'projectors',
      tickMs: 5_000,
      failingAfter: 3,
      telemetryIntervalMs: 3_600_000,
      schedule: { ...museumSchedule, leadMs: 20 * 60_000, lagMs: 10 * 60_000 },
      driver: { type: 'pjlink', host: '127.0.0.1', port: 4352, password: { secret: 'GALLERY_PJLINK' }, timeouts: DEFAULT_TIMEOUTS },
    } satisfies MachineSpec);
  });

  it('when an HTTP machine names its own schedule, then it wins over the group and defaults fill the rest', () => {
    expect(machine('player-01')).toEqual({
      id: 'player-01',
      name: 'player-01',
      address: 'localhost',
      group: 'projectors',
      tickMs: 5_000,
      failingAfter: 3,
      schedule: { ...lateSchedule, leadMs: 15 * 60_000, lagMs: 0 },
      driver: {
        type: 'http',
        baseUrl: 'http://localhost:8080',
        bearerToken: { secret: 'PLAYER_TOKEN' },
        timeouts: { connectMs: 2_000, responseMs: 4_000 },
        maxResponseBytes: 65_536,
        probe: {
          method: 'GET',
          path: '/api/v1/power',
          read: { from: 'json', path: 'power.state' },
          states: { on: ['on', '1'], off: ['off'], warming: ['booting'], cooling: ['shutting-down'] },
        },
        on: { method: 'PUT', path: '/api/v1/power', body: '{"power":"on"}', headers: { 'content-type': 'application/json' } },
        off: { method: 'PUT', path: '/api/v1/power', body: '{"power":"off"}' },
      },
    } satisfies MachineSpec);
  });

  it('when a TCP machine has no group, then it is in "ungrouped" with no lead or lag and its terminators resolved', () => {
    expect(machine('amp-01')).toEqual({
      id: 'amp-01',
      name: 'amp-01',
      address: '127.0.0.1',
      group: 'ungrouped',
      tickMs: 5_000,
      failingAfter: 3,
      schedule: { ...museumSchedule, leadMs: 0, lagMs: 0 },
      driver: {
        type: 'tcp',
        host: '127.0.0.1',
        port: 5000,
        sendTerminator: '\r',
        receiveTerminator: '\r\n',
        timeouts: DEFAULT_TIMEOUTS,
        maxResponseBytes: 4_096,
        probe: { send: 'POWER?', states: { on: ['^POWER ON$'], off: ['^POWER OFF$'] } },
        on: { send: 'POWER ON', expect: '^OK$' },
        off: { send: 'POWER OFF', expect: '^OK$' },
      },
    } satisfies MachineSpec);
  });

  it('when a Wake-on-LAN machine probes by TCP connect and switches off over HTTP, then both reach the machine address', () => {
    expect(machine('pc-01').driver).toEqual({
      type: 'wol',
      mac: 'aa:bb:cc:dd:ee:01',
      broadcast: '127.0.0.1',
      port: 40009,
      probe: { type: 'tcp-connect', host: '127.0.0.1', port: 3389, timeouts: DEFAULT_TIMEOUTS },
      off: {
        type: 'http',
        baseUrl: 'http://127.0.0.1:8000/agent',
        timeouts: DEFAULT_TIMEOUTS,
        maxResponseBytes: 65_536,
        request: { method: 'POST', path: '/shutdown' },
      },
    } satisfies MachineSpec['driver']);
    expect(machine('pc-01').schedule).toEqual({ ...lateSchedule, leadMs: 0, lagMs: 0 });
  });

  it('when a Wake-on-LAN machine probes over HTTP and switches off by TCP, then defaults apply and IPv6 is bracketed in URLs', () => {
    expect(machine('pc-02').driver).toEqual({
      type: 'wol',
      mac: 'aa:bb:cc:dd:ee:02',
      broadcast: '255.255.255.255',
      port: 9,
      probe: {
        type: 'http',
        baseUrl: 'http://[::1]:8000',
        timeouts: DEFAULT_TIMEOUTS,
        maxResponseBytes: 65_536,
        probe: { method: 'GET', path: '/health', read: { from: 'status' }, states: { on: ['200'], off: ['503'] } },
      },
      off: {
        type: 'tcp',
        host: '::1',
        port: 9100,
        sendTerminator: '\r\n',
        receiveTerminator: '\r\n',
        timeouts: DEFAULT_TIMEOUTS,
        maxResponseBytes: 4_096,
        exchange: { send: 'SHUTDOWN', expect: '^BYE' },
      },
    } satisfies MachineSpec['driver']);
  });

  it('when the controller section is left out, then the tick is one minute and failingAfter is 2', () => {
    const config = parseVenueConfig(
      [
        'venue: { name: Small, timezone: Asia/Kolkata }',
        'schedules: { day: { daily: ["09:00-17:00"] } }',
        'machines: [{ id: p, address: 127.0.0.1, schedule: day, driver: { type: pjlink } }]',
      ].join('\n'),
      'small.yaml',
    );
    expect(config.tickMs).toBe(60_000);
    expect(config.machines[0]).toMatchObject({ tickMs: 60_000, failingAfter: 2, group: 'ungrouped' });
  });

  it('when machines share a driver block through a YAML merge key, then each gets its own copy with its overrides', () => {
    const config = parseVenueConfig(
      [
        'venue: { name: Small, timezone: Europe/London }',
        'schedules: { day: { daily: ["09:00-17:00"] } }',
        'machines:',
        '  - { id: p1, address: 127.0.0.1, schedule: day, driver: &projector { type: pjlink, timeouts: { connect: 1s } } }',
        '  - { id: p2, address: 127.0.0.2, schedule: day, driver: { <<: *projector, port: 14352 } }',
      ].join('\n'),
      'small.yaml',
    );
    expect(config.machines.map((spec) => spec.driver)).toEqual([
      { type: 'pjlink', host: '127.0.0.1', port: 4352, timeouts: { connectMs: 1_000, responseMs: 3_000 } },
      { type: 'pjlink', host: '127.0.0.2', port: 14352, timeouts: { connectMs: 1_000, responseMs: 3_000 } },
    ]);
  });
});

describe('loadVenueConfig', () => {
  const directory = mkdtempSync(join(tmpdir(), 'venue-config-'));
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it('when given the example venue, then it loads, its schedules behave as documented and its machines need what it says', () => {
    const config = loadVenueConfig(join(__dirname, '../../config/example-venue.yaml'));
    expect(config.venue).toEqual({ name: 'Harbour Museum', timezone: 'Europe/London' });
    expect(new Set(config.machines.map((spec) => spec.driver.type))).toEqual(new Set(['pjlink', 'http', 'tcp', 'wol', 'pdu']));
    const projector = config.machines.find((spec) => spec.id === 'proj-gallery-1');
    // Friday 2026-12-04: open 10:00-21:00 GMT, projectors 15 min early and 10 min late.
    expect(projector && isScheduledOn(projector.schedule, Date.parse('2026-12-04T09:45:00Z'))).toBe(true);
    expect(projector && isScheduledOn(projector.schedule, Date.parse('2026-12-04T21:10:00Z'))).toBe(false);
    // The New Year's Eve gala runs past midnight.
    expect(projector && isScheduledOn(projector.schedule, Date.parse('2027-01-01T00:30:00Z'))).toBe(true);
    const needs = Object.fromEntries(config.machines.map((spec) => [spec.id, spec.dependencies?.needs]));
    expect(needs).toMatchObject({ 'amp-main-hall': ['mixer-main-hall'], 'mixer-main-hall': ['pdu-gallery'], 'proj-harbour-film': ['player-harbour-film'], 'player-harbour-film': ['pdu-gallery'] });
    const pdu = config.machines.find((spec) => spec.id === 'pdu-gallery');
    expect(pdu?.probeOnly).toBe(true);
    expect(pdu?.dependencies?.neededBy).toEqual(['mixer-main-hall', 'player-harbour-film']);
    const poweredBy = Object.fromEntries(config.machines.map((spec) => [spec.id, spec.poweredBy && { outlet: spec.poweredBy.outlet, cycled: spec.poweredBy.cycle !== undefined }]));
    expect(poweredBy).toMatchObject({ 'mixer-main-hall': { outlet: 1, cycled: true }, 'player-harbour-film': { outlet: 5, cycled: false } });
  });

  it('when the file is written to disk, then VenueConfig.file is the path as given', () => {
    const file = join(directory, 'venue.yaml');
    writeFileSync(file, FULL_VENUE);
    expect(loadVenueConfig(file).file).toBe(file);
  });

  it('when the file does not exist, then a ConfigError names it and the reason', () => {
    const file = join(directory, 'missing.yaml');
    expect(() => loadVenueConfig(file)).toThrow(ConfigError);
    expect(() => loadVenueConfig(file)).toThrow(`${file}: cannot read the venue file (ENOENT)`);
  });
});
