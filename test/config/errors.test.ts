import { describe, expect, it } from 'vitest';
import { rejectionOf } from './rejection';

const HEADER = [
  'venue:',
  '  name: Test venue',
  '  timezone: Europe/London',
  'schedules:',
  '  museum:',
  '    daily: ["10:00-18:00"]',
];

/** A venue file whose machines section (from line 8) is the given lines. */
function withMachines(...machineLines: string[]): string {
  return [...HEADER, 'machines:', ...machineLines].join('\n');
}

describe('venue file problems', () => {
  it('when a port is not a number, then the message names file, line, path, expectation and value', () => {
    expect(rejectionOf(withMachines('  - { id: a, address: 127.0.0.1, schedule: museum, driver: { type: pjlink, port: abc } }')))
      .toMatchInlineSnapshot(`"config/venue.yaml:8:76: machines[0].driver.port: expected an integer from 1 to 65535, got "abc""`);
  });

  it('when a key is unknown, then it is named with the likely intended key', () => {
    expect(rejectionOf(withMachines('  - { id: a, address: 127.0.0.1, schedule: museum, drvier: { type: pjlink } }')))
      .toMatchInlineSnapshot(`
        "config/venue.yaml:8:5: machines[0].driver: missing, expected a map
        config/venue.yaml:8:52: machines[0].drvier: unknown key, did you mean "driver"?"
      `);
  });

  it('when a key is unknown and close to none, then the allowed keys are listed', () => {
    expect(rejectionOf([...HEADER, 'machines: []', 'zones: {}'].join('\n'))).toMatchInlineSnapshot(`
      "config/venue.yaml:7:1: machines: expected at least one machine, got an empty list
      config/venue.yaml:8:1: zones: unknown key, expected one of: venue, controller, schedules, scenes, groups, machines, readiness, notifications"
    `);
  });

  it('when the YAML is malformed, then each syntax error names line and column', () => {
    expect(rejectionOf(['venue:', '  name: a', '  name: b', 'machines: [', '  - id: x'].join('\n'))).toMatchInlineSnapshot(`
      "config/venue.yaml:3:3: invalid YAML: Map keys must be unique
      config/venue.yaml:5:3: invalid YAML: Block collections are not allowed within flow collections
      config/venue.yaml:5:10: invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]"
    `);
  });

  it('when an alias has no anchor, then the YAML error is reported', () => {
    expect(rejectionOf('venue: *nowhere\n')).toMatchInlineSnapshot(`"config/venue.yaml: invalid YAML: Unresolved alias (the anchor must be set before the alias): nowhere"`);
  });

  it('when the file is empty or a list, then the top level is reported', () => {
    expect(rejectionOf('')).toMatchInlineSnapshot(`"config/venue.yaml: expected a map, got an empty value"`);
    expect(rejectionOf('- a\n- b\n')).toMatchInlineSnapshot(`"config/venue.yaml:1:1: expected a map, got a list"`);
  });

  it('when ids repeat and names do not resolve, then every cross-reference problem is listed', () => {
    expect(
      rejectionOf(
        withMachines(
          '  - { id: a, address: 127.0.0.1, schedule: museum, driver: { type: pjlink } }',
          '  - { id: a, address: 127.0.0.2, schedule: musuem, driver: { type: pjlink } }',
          '  - { id: b, group: projectrs, address: 127.0.0.3, driver: { type: pjlink } }',
          '  - { id: c, address: 127.0.0.4, driver: { type: pjlink } }',
        ),
      ),
    ).toMatchInlineSnapshot(`
      "config/venue.yaml:9:7: machines[1].id: duplicate id "a" (also machines[0])
      config/venue.yaml:9:34: machines[1].schedule: unknown schedule "musuem"; declared schedules: museum
      config/venue.yaml:10:14: machines[2].group: unknown group "projectrs"; no groups are declared
      config/venue.yaml:11:5: machines[3]: no schedule: give the machine a schedule, or a group that has one"
    `);
  });

  it('when a group names an unknown schedule and its machine has none, then both are reported', () => {
    expect(
      rejectionOf(
        [...HEADER, 'groups:', '  foyer: { schedule: foyer-hours }', '  signs: {}', 'machines:',
          '  - { id: a, group: signs, address: 127.0.0.1, driver: { type: pjlink } }',
          '  - { id: b, group: foyer, address: 127.0.0.1, schedule: museum, driver: { type: pjlink } }'].join('\n'),
      ),
    ).toMatchInlineSnapshot(`
      "config/venue.yaml:8:12: groups.foyer.schedule: unknown schedule "foyer-hours"; declared schedules: museum
      config/venue.yaml:11:5: machines[0]: no schedule: give the machine a schedule, or its group "signs" one"
    `);
  });

  it('when the venue, controller and schedules are wrong, then every problem is listed in one message', () => {
    expect(
      rejectionOf(
        [
          'venue: { name: "", timezone: Europe/Londn }',
          'controller: { tick: 500ms, failingAfter: 0 }',
          'schedules:',
          '  Museum: { daily: ["10-18"] }',
          '  main:',
          '    weekly: { tuseday: ["10:00-18:00"], monday: ["24:00-02:00", "9:00-17:00"] }',
          '    exceptions:',
          '      - { date: 2026-02-30, closed: true }',
          '      - { date: 2026-03-01, closed: false }',
          '      - { date: 2026-03-02 }',
          '      - { date: 2026-03-03, closed: true, hours: [] }',
          'machines: []',
        ].join('\n'),
      ),
    ).toMatchInlineSnapshot(`
      "config/venue.yaml:1:10: venue.name: expected non-empty text, got ""
      config/venue.yaml:1:20: venue.timezone: expected an IANA time zone like Europe/London, got "Europe/Londn"
      config/venue.yaml:2:15: controller.tick: expected a duration of at least 1s, got "500ms"
      config/venue.yaml:2:28: controller.failingAfter: expected an integer from 1 to 1000, got 0
      config/venue.yaml:4:3: schedules.Museum: expected a name of lowercase letters, digits, ".", "_" or "-", starting with a letter or digit, at most 63 characters, got "Museum"
      config/venue.yaml:6:15: schedules.main.weekly.tuseday: unknown key, did you mean "tuesday"?
      config/venue.yaml:6:50: schedules.main.weekly.monday[0]: expected a time window "HH:MM-HH:MM" on a 24-hour clock (24:00 allowed as an end), got "24:00-02:00"
      config/venue.yaml:6:65: schedules.main.weekly.monday[1]: expected a time window "HH:MM-HH:MM" on a 24-hour clock (24:00 allowed as an end), got "9:00-17:00"
      config/venue.yaml:8:11: schedules.main.exceptions[0].date: expected a date YYYY-MM-DD, got "2026-02-30"
      config/venue.yaml:9:29: schedules.main.exceptions[1].closed: expected true; leave closed out when giving hours, got false
      config/venue.yaml:10:9: schedules.main.exceptions[2]: give either closed: true or hours: [...]
      config/venue.yaml:11:9: schedules.main.exceptions[3]: give either closed: true or hours: [...]
      config/venue.yaml:12:1: machines: expected at least one machine, got an empty list"
    `);
  });

  it('when required sections are missing, then each is named', () => {
    expect(rejectionOf('venue: {}\n')).toMatchInlineSnapshot(`
      "config/venue.yaml:1:1: venue.name: missing, expected text
      config/venue.yaml:1:1: venue.timezone: missing, expected an IANA time zone like Europe/London
      config/venue.yaml:1:1: schedules: missing, expected a map
      config/venue.yaml:1:1: machines: missing, expected a list"
    `);
  });

  it('when an exception date repeats, then the second is reported', () => {
    expect(
      rejectionOf(
        [...HEADER, '    exceptions:', '      - { date: 2026-01-01, closed: true }', '      - { date: 2026-01-01, hours: [] }',
          'machines: [{ id: a, address: 127.0.0.1, schedule: museum, driver: { type: pjlink } }]'].join('\n'),
      ),
    ).toMatchInlineSnapshot(`"config/venue.yaml:9:11: schedules.museum.exceptions[1].date: 2026-01-01 already has an exception (exceptions[0])"`);
  });

  it('when the driver type is misspelt or missing, then the known types are listed', () => {
    expect(
      rejectionOf(
        withMachines(
          '  - { id: a, address: 127.0.0.1, schedule: museum, driver: { type: pjlnk } }',
          '  - { id: b, address: 127.0.0.1, schedule: museum, driver: { port: 4352 } }',
        ),
      ),
    ).toMatchInlineSnapshot(`
      "config/venue.yaml:8:62: machines[0].driver.type: expected one of pjlink, http, tcp, wol, pdu, snmp, got "pjlnk"
      config/venue.yaml:9:52: machines[1].driver.type: missing, expected one of pjlink, http, tcp, wol, pdu, snmp"
    `);
  });

  it('when a password is written in the file, then the message asks for a secret and never repeats the value', () => {
    const message = rejectionOf(withMachines('  - { id: a, address: 127.0.0.1, schedule: museum, driver: { type: pjlink, password: hunter2 } }'));
    expect(message).not.toContain('hunter2');
    expect(message).toMatchInlineSnapshot(`"config/venue.yaml:8:76: machines[0].driver.password: expected { secret: NAME } with a name of letters, digits, ".", "_" or "-"; credentials never go in this file"`);
  });

  it('when HTTP drivers are malformed, then method, path, regex, states, body and read are each reported', () => {
    expect(
      rejectionOf(
        withMachines(
          '  - id: a',
          '    address: 127.0.0.1',
          '    schedule: museum',
          '    driver:',
          '      type: http',
          '      probe: { method: get, path: api, read: { regex: "(" }, states: { on: [on, { a: 1 }], off: [] } }',
          '      on: { method: PUT, path: /on }',
          '      off: { method: PUT, path: /off, body: { power: off } }',
          '  - id: b',
          '    address: 127.0.0.1',
          '    schedule: museum',
          '    driver:',
          '      type: http',
          '      probe: { method: GET, path: /power, read: { regex: "on|off" }, states: { on: [on], off: [off] } }',
          '      on: { method: PUT, path: /on }',
          '  - id: c',
          '    address: 127.0.0.1',
          '    schedule: museum',
          '    driver:',
          '      type: http',
          '      probe: { method: GET, path: /power, read: { jsno: power }, states: { on: [on], off: [off] } }',
          '      on: { method: PUT, path: /on }',
          '      off: { method: PUT, path: /off }',
        ),
      ),
    ).toMatchInlineSnapshot(`
      "config/venue.yaml:13:16: machines[0].driver.probe.method: expected one of GET, POST, PUT, PATCH, DELETE, got "get"
      config/venue.yaml:13:29: machines[0].driver.probe.path: expected a path starting with / or an absolute http(s) URL, got "api"
      config/venue.yaml:13:48: machines[0].driver.probe.read.regex: expected a regular expression (Invalid regular expression: /(/: Unterminated group), got "("
      config/venue.yaml:13:81: machines[0].driver.probe.states.on[1]: expected text, a number or true/false, got a map
      config/venue.yaml:13:92: machines[0].driver.probe.states.off: expected at least one value, got an empty list
      config/venue.yaml:15:39: machines[0].driver.off.body: expected the body as text (quote JSON bodies), got a map
      config/venue.yaml:19:5: machines[1].driver.off: missing, expected a map
      config/venue.yaml:21:51: machines[1].driver.probe.read.regex: expected a regular expression with a capture group (...) around the state, got "on|off"
      config/venue.yaml:28:43: machines[2].driver.probe.read: expected status, { json: <dotted path> } or { regex: <pattern with a capture group> }, got a map"
    `);
  });

  it('when a TCP driver and machine fields are malformed, then each is reported', () => {
    expect(
      rejectionOf(
        withMachines(
          '  - id: a',
          '    address: 10.0.0.300',
          '    schedule: museum',
          '    lead: 15',
          '    lag: 13h',
          '    driver:',
          '      type: tcp',
          '      timeouts: { connect: 0s, respnse: 1s }',
          '      probe: { send: "", states: { on: ["(x"], off: [x] } }',
          '      on: { send: "X", expect: "[" }',
          '      off: { send: "Y" }',
        ),
      ),
    ).toMatchInlineSnapshot(`
      "config/venue.yaml:9:5: machines[0].address: expected a host name or IP address, without scheme or port, got "10.0.0.300"
      config/venue.yaml:11:5: machines[0].lead: expected a duration like 500ms, 30s, 15m or 1h30m, got 15
      config/venue.yaml:12:5: machines[0].lag: expected a duration of at most 12h, got "13h"
      config/venue.yaml:13:5: machines[0].driver.port: missing, expected an integer from 1 to 65535
      config/venue.yaml:15:19: machines[0].driver.timeouts.connect: expected a duration from 1ms to 1m, got "0s"
      config/venue.yaml:15:32: machines[0].driver.timeouts.respnse: unknown key, did you mean "response"?
      config/venue.yaml:16:16: machines[0].driver.probe.send: expected non-empty text, got ""
      config/venue.yaml:16:41: machines[0].driver.probe.states.on[0]: expected a regular expression (Invalid regular expression: /(x/: Unterminated group), got "(x"
      config/venue.yaml:17:24: machines[0].driver.on.expect: expected a regular expression (Invalid regular expression: /[/: Unterminated character class), got "["
      config/venue.yaml:18:7: machines[0].driver.off.expect: missing, expected a regular expression"
    `);
  });

  it('when a Wake-on-LAN driver is malformed, then each field is reported', () => {
    expect(
      rejectionOf(
        withMachines(
          '  - id: Gallery PC',
          '    address: http://10.0.0.5',
          '    schedule: museum',
          '    driver:',
          '      type: wol',
          '      mac: aa:bb:cc',
          '      broadcast: everyone',
          '      probe: { type: ping }',
          '      off: { type: http, port: 8000, baseUrl: "ftp://10.0.0.5", request: { method: POST, path: /shutdown } }',
        ),
      ),
    ).toMatchInlineSnapshot(`
      "config/venue.yaml:8:5: machines[0].id: expected a name of lowercase letters, digits, ".", "_" or "-", starting with a letter or digit, at most 63 characters, got "Gallery PC"
      config/venue.yaml:9:5: machines[0].address: expected a host name or IP address, without scheme or port, got "http://10.0.0.5"
      config/venue.yaml:13:7: machines[0].driver.mac: expected a MAC address like aa:bb:cc:dd:ee:ff, got "aa:bb:cc"
      config/venue.yaml:14:7: machines[0].driver.broadcast: expected an IP address, got "everyone"
      config/venue.yaml:15:16: machines[0].driver.probe.type: expected one of tcp-connect, http, got "ping"
      config/venue.yaml:16:38: machines[0].driver.off.baseUrl: expected an http:// or https:// URL like http://10.0.0.5:8080, got "ftp://10.0.0.5"
      config/venue.yaml:16:38: machines[0].driver.off.baseUrl: give either port or baseUrl, not both"
    `);
  });
});
