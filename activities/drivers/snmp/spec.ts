/**
 * Anything that answers SNMP (network switches, routers, a UPS): watched, never switched. A probe
 * is one GET; an answer means the device is up. What a machine's `driver:` block becomes, and what
 * it costs in time; the access types and step budgets here are also the `pdu` family's.
 */
import { type DriverFamilySpec, type SecretRef } from '../shared/spec';

export type SnmpAuthProtocol = 'md5' | 'sha' | 'sha224' | 'sha256' | 'sha384' | 'sha512';
export type SnmpPrivProtocol = 'des' | 'aes' | 'aes256b' | 'aes256r';

/** v1 and v2c authenticate by community, a credential: whoever has a PDU's read-write one can switch every outlet. */
export interface SnmpCommunityAccess {
  version: '1' | '2c';
  community: SecretRef;
}

/** v3: a user of the agent's user-based security model, with authentication and privacy when configured. */
export interface SnmpUserAccess {
  version: '3';
  user: string;
  auth?: { protocol: SnmpAuthProtocol; key: SecretRef };
  /** Only with auth (SNMPv3 has no privacy without authentication). */
  priv?: { protocol: SnmpPrivProtocol; key: SecretRef };
}

export type SnmpAccessSpec = SnmpCommunityAccess | SnmpUserAccess;

/** MIB-II sysUpTime.0 (RFC 1213): every agent has it, and it tells how long the device has been up. */
export const SYS_UP_TIME_OID = '1.3.6.1.2.1.1.3.0';

export interface SnmpDriverSpec {
  type: 'snmp';
  host: string;
  port: number;
  access: SnmpAccessSpec;
  /** The object a probe reads, with its instance (`.0` for a scalar). */
  oid: string;
  timeouts: { responseMs: number };
}

/**
 * How long the first and any later request of a session may wait. A v3 session's first request is
 * two round trips, the agent's engine discovery and then the request itself, each within the
 * response timeout; later requests on the session are one.
 */
export function snmpRequestBudgets(spec: { access: SnmpAccessSpec; timeouts: { responseMs: number } }) {
  const { responseMs } = spec.timeouts;
  return { firstMs: spec.access.version === '3' ? 2 * responseMs : responseMs, laterMs: responseMs };
}

export function snmpSecretRefs(access: SnmpAccessSpec): (SecretRef | undefined)[] {
  return access.version === '3' ? [access.auth?.key, access.priv?.key] : [access.community];
}

export const snmpFamily: DriverFamilySpec<SnmpDriverSpec> = {
  label: 'SNMP',
  deadlineMs: (spec) => snmpRequestBudgets(spec).firstMs,
  secretRefs: ({ access }) => snmpSecretRefs(access),
  aspects: () => ({}),
  probeOnly: () => true,
};
