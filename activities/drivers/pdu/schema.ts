/** The `driver:` block in the venue file of a machine on a switched PDU outlet, or of the PDU as a whole. */
import { z } from 'zod';
import { positiveIntegerField, strictObject } from '../../../config/fields';
import type { DriverSchema } from '../shared/schema';
import { checkSnmpAccess, oidField, requiredField, snmpAgentFields, toSnmpAgentSpec } from '../snmp/schema';
import { APC_OUTLET_OBJECTS, type PduDriverSpec, type PduOutletObjects } from './spec';

/** SNMP's outlet tables are indexed by small integers; the largest PDUs have a few dozen outlets. */
const MAX_OUTLET = 999;

const outletOid = oidField('1.3.6.1.4.1.318.1.1.12.3.5.1.1.4 (the outlet number is appended)');

const integer = z.int({ error: 'expected an integer' });
const stateValues = z.union([integer.transform((value) => [value]), z.array(integer).min(1)], { error: 'expected an integer or a list of integers' });

/** The OIDs and values of a PDU other than APC's rPDU (Raritan, Eaton, Netio...), from its MIB. */
const genericOids = strictObject({
  /** Read: the outlet's state. */
  state: outletOid,
  /** Written: the outlet's command. */
  command: outletOid,
  onValue: integer,
  offValue: integer,
  stateOn: stateValues,
  stateOff: stateValues,
});

const entry = strictObject({
  type: z.literal('pdu'),
  /** The switched outlet that is the machine; absent, the machine is the PDU as a whole, watched and never switched. */
  outlet: positiveIntegerField(MAX_OUTLET).optional(),
  ...snmpAgentFields,
  mib: z.enum(['apc', 'generic']).default('apc'),
  /** With `mib: generic` only. */
  oids: genericOids.optional(),
}).superRefine((driver, context) => {
  const problem = checkSnmpAccess(driver, context, { agent: 'the PDU', community: "the PDU's read-write community" });
  if (driver.mib === 'generic' && driver.oids === undefined) problem('oids', 'mib: generic needs oids: { state, command, onValue, offValue, stateOn, stateOff } from the PDU\'s MIB');
  if (driver.mib === 'apc' && driver.oids !== undefined) problem('oids', 'oids are for mib: generic; mib: apc knows its own');
});

type Entry = z.output<typeof entry>;

export const pduSchema: DriverSchema<typeof entry, PduDriverSpec> = {
  entry,
  toSpec: (driver, host) => ({
    type: 'pdu',
    ...toSnmpAgentSpec(driver, host),
    ...(driver.outlet !== undefined && { outlet: driver.outlet }),
    objects: objectsOf(driver),
  }),
};

function objectsOf(driver: Entry): PduOutletObjects {
  if (driver.mib === 'apc') return APC_OUTLET_OBJECTS;
  const oids = requiredField(driver.oids, 'oids');
  return { mib: 'generic', stateOid: oids.state, commandOid: oids.command, onValue: oids.onValue, offValue: oids.offValue, stateOn: oids.stateOn, stateOff: oids.stateOff };
}
