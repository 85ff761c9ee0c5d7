import { describe, expect, it } from 'vitest';
import { parseVenueConfig } from '../../config/load';
import { secretRefsOf } from '../../config/secrets';
import { rejectionOf } from './rejection';

/** A venue file whose one machine's driver block (from line 7) is the given lines. */
function withPduDriver(...driverLines: string[]): string {
  return [
    'venue: { name: Test venue, timezone: Europe/London }',
    'schedules:',
    '  always: { daily: ["00:00-24:00"] }',
    'machines:',
    '  - id: amp-01',
    '    schedule: always',
    '    address: 10.20.0.50',
    '    driver:',
    ...driverLines.map((line) => `      ${line}`),
  ].join('\n');
}

describe('pdu machines in the venue file', () => {
  it('when only the outlet and the community are given, then SNMP v2c on port 161 with the APC objects and a 2 s response timeout', () => {
    const { machines } = parseVenueConfig(withPduDriver('type: pdu', 'outlet: 3', 'community: { secret: PDU_COMMUNITY }'), 'venue.yaml');
    expect(machines[0]?.driver).toEqual({
      type: 'pdu',
      host: '10.20.0.50',
      port: 161,
      outlet: 3,
      access: { version: '2c', community: { secret: 'PDU_COMMUNITY' } },
      objects: {
        mib: 'apc',
        stateOid: '1.3.6.1.4.1.318.1.1.12.3.5.1.1.4',
        commandOid: '1.3.6.1.4.1.318.1.1.12.3.3.1.1.4',
        onValue: 1,
        offValue: 2,
        stateOn: [1],
        stateOff: [2],
      },
      timeouts: { responseMs: 2000 },
    });
  });

  it('when an SNMPv3 user with keys and a generic MIB are given, then the keys are secret references the worker checks at start', () => {
    const { machines } = parseVenueConfig(
      withPduDriver(
        'type: pdu',
        'outlet: 12',
        'version: 3',
        'user: showctl',
        'authProtocol: sha256',
        'authKey: { secret: PDU_AUTH }',
        'privProtocol: aes',
        'privKey: { secret: PDU_PRIV }',
        'mib: generic',
        'oids: { state: .1.3.6.1.4.1.13742.6.4.1.2.1.3.1, command: 1.3.6.1.4.1.13742.6.4.1.2.1.2.1, onValue: 1, offValue: 0, stateOn: 7, stateOff: [8, 9] }',
        'timeouts: { response: 1s }',
      ),
      'venue.yaml',
    );
    expect(machines[0]?.driver).toMatchObject({
      access: { version: '3', user: 'showctl', auth: { protocol: 'sha256', key: { secret: 'PDU_AUTH' } }, priv: { protocol: 'aes', key: { secret: 'PDU_PRIV' } } },
      objects: { mib: 'generic', stateOid: '1.3.6.1.4.1.13742.6.4.1.2.1.3.1', commandOid: '1.3.6.1.4.1.13742.6.4.1.2.1.2.1', onValue: 1, offValue: 0, stateOn: [7], stateOff: [8, 9] },
      timeouts: { responseMs: 1000 },
    });
    expect(secretRefsOf(machines)).toEqual(['PDU_AUTH', 'PDU_PRIV']);
  });

  it('when the community is written out instead of referenced, then it is rejected with file, line and path, and not echoed', () => {
    const message = rejectionOf(withPduDriver('type: pdu', 'outlet: 3', 'community: private-rw-2024'));
    expect(message).toBe(
      'config/venue.yaml:11:7: machines[0].driver.community: expected { secret: NAME } with a name of letters, digits, ".", "_" or "-"; credentials never go in this file',
    );
    expect(message).not.toContain('private-rw-2024');
  });

  it('when the mib is one the driver does not know, then it is rejected naming the ones it does', () => {
    expect(rejectionOf(withPduDriver('type: pdu', 'outlet: 3', 'community: { secret: PDU_COMMUNITY }', 'mib: raritan'))).toBe(
      'config/venue.yaml:12:7: machines[0].driver.mib: expected one of apc, generic, got "raritan"',
    );
  });

  it('when the settings do not fit the version, then each mismatch is named', () => {
    expect(rejectionOf(withPduDriver('type: pdu', 'outlet: 0', 'user: showctl'))).toMatchInlineSnapshot(`
      "config/venue.yaml:8:5: machines[0].driver.community: SNMP 2c needs community: { secret: NAME }, the PDU's read-write community
      config/venue.yaml:10:7: machines[0].driver.outlet: expected an integer from 1 to 999, got 0
      config/venue.yaml:11:7: machines[0].driver.user: user is an SNMPv3 setting; with version 2c the community authenticates"
    `);
    expect(rejectionOf(withPduDriver('type: pdu', 'outlet: 3', 'version: 3', 'community: { secret: PDU_COMMUNITY }', 'privProtocol: aes', 'privKey: { secret: PDU_PRIV }', 'mib: generic'))).toMatchInlineSnapshot(`
      "config/venue.yaml:8:5: machines[0].driver.user: SNMPv3 needs the user the PDU knows
      config/venue.yaml:8:5: machines[0].driver.oids: mib: generic needs oids: { state, command, onValue, offValue, stateOn, stateOff } from the PDU's MIB
      config/venue.yaml:12:7: machines[0].driver.community: SNMPv3 authenticates a user, not a community: remove community, or set version 2c
      config/venue.yaml:14:7: machines[0].driver.privKey: SNMPv3 privacy needs authentication: give authProtocol and authKey too"
    `);
    expect(rejectionOf(withPduDriver('type: pdu', 'outlet: 3', 'version: 2', 'community: { secret: C }'))).toMatchInlineSnapshot(`"config/venue.yaml:11:7: machines[0].driver.version: expected SNMP version 1, 2c or 3, got 2"`);
  });
});
