/**
 * What an SNMP agent's refusal means for a device call: its error-status (RFC 3416 section 3,
 * v1's in RFC 1157 section 4.1.1) or a v3 Report (RFC 3414 section 3.2) as a typed device error
 * whose message says what to check.
 */
import snmp from 'net-snmp';
import { DeviceAuthError, DeviceConfigError, DeviceError, DeviceProtocolError, quote, type DeviceErrorClass } from '../errors';

/** What a request asked, to name it in the error. */
export interface SnmpRequest {
  kind: 'GET' | 'SET';
  oid: string;
  /** What the OID stands for, e.g. `outlet 7`. */
  subject: string;
  /** What to check when the agent lacks the object, e.g. `outlet 7, the mib`. */
  check: string;
  value?: number;
}

/** Who answers, as the messages name it, e.g. `the PDU`. */
export interface SnmpContext {
  agent: string;
  version: SnmpVersion;
}

export type SnmpVersion = '1' | '2c' | '3';

export interface SnmpFailure {
  kind: DeviceErrorClass;
  problem: string;
}

/** error-status values by number, named as the RFCs name them. */
const STATUS_NAMES = [
  'noError', 'tooBig', 'noSuchName', 'badValue', 'readOnly', 'genErr', 'noAccess', 'wrongType', 'wrongLength', 'wrongEncoding',
  'wrongValue', 'noCreation', 'inconsistentValue', 'resourceUnavailable', 'commitFailed', 'undoFailed', 'authorizationError',
  'notWritable', 'inconsistentName',
] as const;
type StatusName = (typeof STATUS_NAMES)[number];

const REFUSED_VALUE = new Set<StatusName>(['badValue', 'wrongType', 'wrongLength', 'wrongEncoding', 'wrongValue', 'inconsistentValue']);
const NO_SUCH_INSTANCE = new Set<StatusName>(['noCreation', 'inconsistentName']);
const NO_WRITE_ACCESS = new Set<StatusName>(['readOnly', 'noAccess']);

/** The typed error for net-snmp's error of a request that got an answer (or a Report instead of one). */
export function snmpFailure(error: Error, request: SnmpRequest, context: SnmpContext): SnmpFailure {
  if (error instanceof snmp.RequestFailedError) return statusFailure(STATUS_NAMES[error.status] ?? 'genErr', request, context);
  if (error instanceof snmp.ResponseInvalidError) return invalidResponseFailure(error, context.agent);
  return { kind: DeviceError, problem: `SNMP ${request.kind} of ${request.oid} failed: ${error.message}` };
}

function statusFailure(status: StatusName, request: SnmpRequest, { agent, version }: SnmpContext): SnmpFailure {
  const { kind, oid, subject, value } = request;
  const credential = version === '3' ? 'user' : 'community';
  if (status === 'noSuchName') {
    // SNMPv1 folds every refusal to name a variable into this one status.
    const why = kind === 'GET' ? `SNMPv1 for an object ${agent} lacks` : `SNMPv1 for an object ${agent} lacks, and for a community that may not write`;
    return { kind: DeviceConfigError, problem: `noSuchName for ${oid} (${why}): check ${request.check} and the community` };
  }
  if (NO_SUCH_INSTANCE.has(status)) return { kind: DeviceConfigError, problem: `${agent} has no ${subject}: ${status} for ${oid}` };
  if (status === 'notWritable') return { kind: DeviceConfigError, problem: `${oid} is not writable (notWritable): check the command OID of the mib` };
  if (REFUSED_VALUE.has(status)) return { kind: DeviceConfigError, problem: `${agent} refuses ${value ?? 'the value'} for ${oid} (${status}): check the mib's command values` };
  if (NO_WRITE_ACCESS.has(status)) return { kind: DeviceAuthError, problem: `${status} for ${oid}: this ${credential} may read but not switch ${subject}; give it write access on ${agent}` };
  if (status === 'authorizationError') {
    return { kind: DeviceAuthError, problem: `authorizationError for ${oid}: ${agent} does not let this ${credential} ${kind === 'SET' ? 'switch' : 'read'} ${subject} (access or security level)` };
  }
  return { kind: DeviceProtocolError, problem: `${agent} failed the ${kind} of ${oid} (${status})` };
}

/** net-snmp reports a v3 Report and an answer it will not accept as a ResponseInvalidError with a code. */
function invalidResponseFailure(error: snmp.ResponseInvalidError, agent: string): SnmpFailure {
  const { code } = error;
  if (code === snmp.ResponseInvalidCode.EAuthFailure) {
    // Its own digest check quotes both digests; the agent's Reports name the usmStats counter ("Unknown User Name", "Wrong Digest ...").
    const what = error.message.startsWith('Authentication digest') ? "the answer's digest does not match our key" : error.message;
    return { kind: DeviceAuthError, problem: `${agent} refused the SNMPv3 credentials: ${what} (check user, authProtocol, authKey, privProtocol, privKey)` };
  }
  if (code === snmp.ResponseInvalidCode.ECouldNotDecrypt) {
    return { kind: DeviceAuthError, problem: `${agent}'s answer does not decrypt: check privProtocol and privKey` };
  }
  return { kind: DeviceProtocolError, problem: `unexpected answer: ${quote(error.message)}` };
}
