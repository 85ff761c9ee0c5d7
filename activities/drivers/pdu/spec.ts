/**
 * SNMP power distribution units: a machine is one switched outlet, its power the outlet's, or,
 * without an outlet, the PDU as a whole, watched and never switched. What a machine's `driver:`
 * block becomes, and what it costs in time.
 */
import { type DriverFamilySpec } from '../shared/spec';
import { snmpRequestBudgets, snmpSecretRefs, type SnmpAccessSpec } from '../snmp/spec';

/** Where an outlet's state is read and its command written (the outlet number is appended), and what the values mean. */
export interface PduOutletObjects {
  mib: 'apc' | 'generic';
  stateOid: string;
  commandOid: string;
  onValue: number;
  offValue: number;
  stateOn: number[];
  stateOff: number[];
}

export interface PduDriverSpec {
  type: 'pdu';
  /** The PDU's address (the machine's), not the address of what the outlet feeds. */
  host: string;
  port: number;
  /** The outlet that is the machine; absent when the machine is the PDU as a whole, watched, never switched. */
  outlet?: number;
  access: SnmpAccessSpec;
  objects: PduOutletObjects;
  timeouts: { responseMs: number };
}

/**
 * APC PowerNet MIB, switched rack PDUs: rPDUOutletStatusOutletState (outletStatusOn 1,
 * outletStatusOff 2) and rPDUOutletControlOutletCommand (immediateOn 1, immediateOff 2), as
 * published for OID 1.3.6.1.4.1.318.1.1.12.3.3.1.1.4 (mib-explorer.com) and noted in the team's
 * device notes; older MasterSwitch units (1.3.6.1.4.1.318.1.1.4.4.2.1.3) need `mib: generic`.
 */
export const APC_OUTLET_OBJECTS: PduOutletObjects = {
  mib: 'apc',
  stateOid: '1.3.6.1.4.1.318.1.1.12.3.5.1.1.4',
  commandOid: '1.3.6.1.4.1.318.1.1.12.3.3.1.1.4',
  onValue: 1,
  offValue: 2,
  stateOn: [1],
  stateOff: [2],
};

/** A PDU machine with an outlet: one that takes power commands and can be power-cycled. */
export type PduOutletSpec = PduDriverSpec & { outlet: number };

/** Each request of a call and how long the client waits for its answer (a v3 session's first request includes engine discovery). */
export function pduSteps(spec: Pick<PduDriverSpec, 'access' | 'timeouts'>) {
  const { firstMs, laterMs } = snmpRequestBudgets(spec);
  return { readMs: firstMs, commandMs: firstMs, confirmMs: laterMs, laterRequestMs: laterMs };
}

/** A probe is one read; a switch, the command and one read to confirm it: the longer of the two. The PDU as a whole only reads. */
function pduDeadlineMs(spec: PduDriverSpec): number {
  const { readMs, commandMs, confirmMs } = pduSteps(spec);
  return spec.outlet === undefined ? readMs : commandMs + confirmMs;
}

/** A power cycle (cycleOutlet in client.ts): switch off and confirm, `offMs` with the outlet off, switch on and confirm. */
export function pduCycleDeadlineMs(spec: PduDriverSpec, offMs: number): number {
  const { commandMs, confirmMs, laterRequestMs } = pduSteps(spec);
  return commandMs + confirmMs + offMs + laterRequestMs + confirmMs;
}

export const pduFamily: DriverFamilySpec<PduDriverSpec> = {
  label: 'SNMP PDU',
  deadlineMs: pduDeadlineMs,
  secretRefs: ({ access }) => snmpSecretRefs(access),
  aspects: () => ({}),
  probeOnly: (spec) => spec.outlet === undefined,
};
