/** The `driver:` block of a machine on a switched PDU outlet in the venue file. */
import { z } from 'zod';
import { durationField, portField, positiveIntegerField, secretRefField, strictObject } from '../../../config/fields';
import { OMIT_INPUT } from '../../../config/issues';
import type { DriverSchema } from '../shared/schema';
import { APC_OUTLET_OBJECTS, type PduDriverSpec, type PduOutletObjects, type SnmpCommunityAccess, type SnmpUserAccess } from './spec';

const MAX_DEADLINE_MS = 60_000;
/** SNMP's outlet tables are indexed by small integers; the largest PDUs have a few dozen outlets. */
const MAX_OUTLET = 999;

/** YAML reads `version: 1` and `version: 3` as numbers and `version: 2c` as text. */
const version = z.union([z.enum(['1', '2c', '3']), z.literal(1).transform(() => '1' as const), z.literal(3).transform(() => '3' as const)], {
  error: 'expected SNMP version 1, 2c or 3',
});

const OID = 'expected a numeric OID like 1.3.6.1.4.1.318.1.1.12.3.5.1.1.4 (the outlet number is appended)';
const oidField = z
  .string({ error: OID })
  .regex(/^\.?\d+(\.\d+)+$/, { error: OID })
  .transform((oid) => oid.replace(/^\./, ''));

const integer = z.int({ error: 'expected an integer' });
const stateValues = z.union([integer.transform((value) => [value]), z.array(integer).min(1)], { error: 'expected an integer or a list of integers' });

/** The OIDs and values of a PDU other than APC's rPDU (Raritan, Eaton, Netio...), from its MIB. */
const genericOids = strictObject({
  /** Read: the outlet's state. */
  state: oidField,
  /** Written: the outlet's command. */
  command: oidField,
  onValue: integer,
  offValue: integer,
  stateOn: stateValues,
  stateOff: stateValues,
});

const entry = strictObject({
  type: z.literal('pdu'),
  outlet: positiveIntegerField(MAX_OUTLET),
  port: portField.default(161),
  version: version.default('2c'),
  /** v1 and v2c. */
  community: secretRefField.optional(),
  /** v3. */
  user: z.string({ error: 'expected a user name' }).min(1).max(32).optional(),
  authProtocol: z.enum(['md5', 'sha', 'sha224', 'sha256', 'sha384', 'sha512']).optional(),
  authKey: secretRefField.optional(),
  privProtocol: z.enum(['des', 'aes', 'aes256b', 'aes256r']).optional(),
  privKey: secretRefField.optional(),
  mib: z.enum(['apc', 'generic']).default('apc'),
  /** With `mib: generic` only. */
  oids: genericOids.optional(),
  timeouts: strictObject({ response: durationField({ minMs: 1, maxMs: MAX_DEADLINE_MS }).default(2_000) }).prefault({}),
}).superRefine((driver, context) => {
  // Not continuable: a block missing what its version needs has no spec, and the venue's later checks build every machine's.
  const problem = (path: string, message: string) => context.addIssue({ code: 'custom', params: OMIT_INPUT, path: [path], message, continue: false });
  const v3Keys = (['user', 'authProtocol', 'authKey', 'privProtocol', 'privKey'] as const).filter((key) => driver[key] !== undefined);
  if (driver.version !== '3') {
    if (driver.community === undefined) problem('community', `SNMP ${driver.version} needs community: { secret: NAME }, the PDU's read-write community`);
    for (const key of v3Keys) problem(key, `${key} is an SNMPv3 setting; with version ${driver.version} the community authenticates`);
  } else {
    if (driver.community !== undefined) problem('community', 'SNMPv3 authenticates a user, not a community: remove community, or set version 2c');
    if (driver.user === undefined) problem('user', 'SNMPv3 needs the user the PDU knows');
    if ((driver.authProtocol === undefined) !== (driver.authKey === undefined)) problem('authKey', 'authProtocol and authKey go together');
    if ((driver.privProtocol === undefined) !== (driver.privKey === undefined)) problem('privKey', 'privProtocol and privKey go together');
    if (driver.privKey !== undefined && driver.authKey === undefined) problem('privKey', 'SNMPv3 privacy needs authentication: give authProtocol and authKey too');
  }
  if (driver.mib === 'generic' && driver.oids === undefined) problem('oids', 'mib: generic needs oids: { state, command, onValue, offValue, stateOn, stateOff } from the PDU\'s MIB');
  if (driver.mib === 'apc' && driver.oids !== undefined) problem('oids', 'oids are for mib: generic; mib: apc knows its own');
});

type Entry = z.output<typeof entry>;

export const pduSchema: DriverSchema<typeof entry, PduDriverSpec> = {
  entry,
  toSpec: (driver, host) => ({
    type: 'pdu',
    host,
    port: driver.port,
    outlet: driver.outlet,
    access: accessOf(driver),
    objects: objectsOf(driver),
    timeouts: { responseMs: driver.timeouts.response },
  }),
};

/** The checks above make every branch complete; a gap here is a schema bug, not a venue's. */
function accessOf(driver: Entry): SnmpCommunityAccess | SnmpUserAccess {
  if (driver.version !== '3') return { version: driver.version, community: required(driver.community, 'community') };
  const { authProtocol, authKey, privProtocol, privKey } = driver;
  return {
    version: '3',
    user: required(driver.user, 'user'),
    ...(authProtocol && authKey && { auth: { protocol: authProtocol, key: authKey } }),
    ...(privProtocol && privKey && { priv: { protocol: privProtocol, key: privKey } }),
  };
}

function objectsOf(driver: Entry): PduOutletObjects {
  if (driver.mib === 'apc') return APC_OUTLET_OBJECTS;
  const oids = required(driver.oids, 'oids');
  return { mib: 'generic', stateOid: oids.state, commandOid: oids.command, onValue: oids.onValue, offValue: oids.offValue, stateOn: oids.stateOn, stateOff: oids.stateOff };
}

function required<T>(value: T | undefined, key: string): T {
  if (value === undefined) throw new Error(`pdu driver block without ${key} passed its schema`);
  return value;
}
