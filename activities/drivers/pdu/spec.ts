/**
 * Switched outlets of SNMP power distribution units: a machine is one outlet, its power the
 * outlet's. What a machine's `driver:` block becomes, and what it costs in time.
 */
import { type DriverFamilySpec, type SecretRef } from '../shared/spec';

export type SnmpAuthProtocol = 'md5' | 'sha' | 'sha224' | 'sha256' | 'sha384' | 'sha512';
export type SnmpPrivProtocol = 'des' | 'aes' | 'aes256b' | 'aes256r';

/** v1 and v2c authenticate by community, a credential: whoever has the read-write one can switch every outlet. */
export interface SnmpCommunityAccess {
  version: '1' | '2c';
  community: SecretRef;
}

/** v3: a user of the PDU's user-based security model, with authentication and privacy when configured. */
export interface SnmpUserAccess {
  version: '3';
  user: string;
  auth?: { protocol: SnmpAuthProtocol; key: SecretRef };
  /** Only with auth (SNMPv3 has no privacy without authentication). */
  priv?: { protocol: SnmpPrivProtocol; key: SecretRef };
}

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
  access: SnmpCommunityAccess | SnmpUserAccess;
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

/**
 * Each request of a call and how long the client waits for its answer. A v3 session's first
 * request is two round trips, the agent's engine discovery and then the request itself, each
 * within the response timeout; later requests on the session are one.
 */
export function pduSteps(spec: Pick<PduDriverSpec, 'access' | 'timeouts'>) {
  const { responseMs } = spec.timeouts;
  const firstMs = spec.access.version === '3' ? 2 * responseMs : responseMs;
  return { readMs: firstMs, commandMs: firstMs, confirmMs: responseMs, laterRequestMs: responseMs };
}

/** A probe is one read; a switch, the command and one read to confirm it: the longer of the two. */
function pduDeadlineMs(spec: PduDriverSpec): number {
  const { commandMs, confirmMs } = pduSteps(spec);
  return commandMs + confirmMs;
}

/** A power cycle (cycleOutlet in client.ts): switch off and confirm, `offMs` with the outlet off, switch on and confirm. */
export function pduCycleDeadlineMs(spec: PduDriverSpec, offMs: number): number {
  const { commandMs, confirmMs, laterRequestMs } = pduSteps(spec);
  return commandMs + confirmMs + offMs + laterRequestMs + confirmMs;
}

export const pduFamily: DriverFamilySpec<PduDriverSpec> = {
  label: 'SNMP PDU',
  deadlineMs: pduDeadlineMs,
  secretRefs: ({ access }) => (access.version === '3' ? [access.auth?.key, access.priv?.key] : [access.community]),
  aspects: () => ({}),
  probeOnly: (spec) => spec.outlet === undefined,
};
