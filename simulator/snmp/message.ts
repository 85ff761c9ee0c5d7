/**
 * SNMP messages around a PDU: v1 and v2c with a community (RFC 1157 section 4, RFC 1901), and
 * v3 with its header and user-based security parameters (RFC 3412 section 6, RFC 3414 section 2.4).
 */
import { BerError, BerReader, TAG, integer, octetString, sequence, tlv } from './ber';
import { decodePdu, encodePdu, type Pdu } from './pdu';

const VERSION = { v1: 0, v2c: 1, v3: 3 } as const;
const USER_BASED_SECURITY_MODEL = 3;
const FLAG = { auth: 1, priv: 2, reportable: 4 } as const;
/** The largest UDP payload over IPv4, which every SNMP engine accepts (RFC 3417 section 3.2). */
export const MAX_MESSAGE_SIZE = 65_507;

export interface CommunityMessage {
  version: 'v1' | 'v2c';
  community: string;
  pdu: Pdu;
}

export interface SecurityLevel {
  auth: boolean;
  priv: boolean;
}

/** UsmSecurityParameters: who sent the message, and the time and keys it claims. */
export interface UsmParameters {
  engineId: Buffer;
  engineBoots: number;
  engineTime: number;
  userName: string;
  authParams: Buffer;
  privParams: Buffer;
}

export interface ScopedPdu {
  contextEngineId: Buffer;
  contextName: string;
  pdu: Pdu;
}

export interface V3Message {
  version: 'v3';
  msgId: number;
  level: SecurityLevel;
  reportable: boolean;
  usm: UsmParameters;
  /** Where the authentication parameters start in the datagram: the digest is computed with them zeroed. */
  authParamsOffset: number;
  /** A plaintext scoped PDU, or (with privacy) its ciphertext. */
  data: ScopedPdu | { encrypted: Buffer };
}

export type IncomingMessage = CommunityMessage | V3Message;

/** Throws BerError for anything that is not an SNMP message the agent understands. */
export function decodeMessage(datagram: Buffer): IncomingMessage {
  const message = new BerReader(datagram).nested(TAG.sequence);
  const version = message.integer();
  if (version === VERSION.v1 || version === VERSION.v2c) {
    return { version: version === VERSION.v1 ? 'v1' : 'v2c', community: message.octetString().toString('latin1'), pdu: decodePdu(message) };
  }
  if (version !== VERSION.v3) throw new BerError(`unknown SNMP version ${version}`);

  const header = message.nested(TAG.sequence);
  const msgId = header.integer();
  header.integer(); // msgMaxSize: the agent's answers are far smaller than any size a manager may state
  const [flags = 0] = header.octetString();
  if (header.integer() !== USER_BASED_SECURITY_MODEL) throw new BerError('not the user-based security model');
  const level = { auth: (flags & FLAG.auth) !== 0, priv: (flags & FLAG.priv) !== 0 };
  // RFC 3412 section 7.2 step 5: privacy without authentication is an invalid combination.
  if (level.priv && !level.auth) throw new BerError('privacy without authentication');

  const securityParameters = message.next(TAG.octetString);
  const usmReader = new BerReader(datagram, securityParameters.start, securityParameters.end).nested(TAG.sequence);
  const engineId = usmReader.octetString();
  const engineBoots = usmReader.integer();
  const engineTime = usmReader.integer();
  const userName = usmReader.octetString().toString('utf8');
  const authTlv = usmReader.next(TAG.octetString);
  const privParams = usmReader.octetString();
  const usm = { engineId, engineBoots, engineTime, userName, authParams: datagram.subarray(authTlv.start, authTlv.end), privParams };

  const data = level.priv ? { encrypted: message.octetString() } : decodeScopedPdu(message);
  return { version: 'v3', msgId, level, reportable: (flags & FLAG.reportable) !== 0, usm, authParamsOffset: authTlv.start, data };
}

/** A scoped PDU from a reader, or from the plaintext of a decrypted message. */
export function decodeScopedPdu(source: BerReader | Buffer): ScopedPdu {
  const reader = source instanceof BerReader ? source : new BerReader(source);
  const scoped = reader.nested(TAG.sequence);
  const contextEngineId = scoped.octetString();
  const contextName = scoped.octetString().toString('utf8');
  return { contextEngineId, contextName, pdu: decodePdu(scoped) };
}

export function encodeCommunityMessage(message: CommunityMessage): Buffer {
  return sequence(integer(VERSION[message.version]), octetString(Buffer.from(message.community, 'latin1')), encodePdu(message.pdu));
}

export function encodeScopedPdu(scoped: ScopedPdu): Buffer {
  return sequence(octetString(scoped.contextEngineId), octetString(scoped.contextName), encodePdu(scoped.pdu));
}

export interface OutgoingV3 {
  msgId: number;
  level: SecurityLevel;
  /** authParams is a placeholder of the digest's length (zeros), or empty without authentication. */
  usm: UsmParameters;
  /** The encoded scoped PDU, or its ciphertext. */
  data: { scoped: Buffer } | { encrypted: Buffer };
}

/** The message and where its authentication parameters are, for the digest to be written into. */
export function encodeV3Message(message: OutgoingV3): { bytes: Buffer; authParamsOffset: number } {
  const flags = (message.level.auth ? FLAG.auth : 0) | (message.level.priv ? FLAG.priv : 0);
  const header = sequence(integer(message.msgId), integer(MAX_MESSAGE_SIZE), octetString(Buffer.of(flags)), integer(USER_BASED_SECURITY_MODEL));
  const { usm } = message;
  const usmHead = Buffer.concat([octetString(usm.engineId), integer(usm.engineBoots), integer(usm.engineTime), octetString(usm.userName)]);
  const authTlv = octetString(usm.authParams);
  const privTlv = octetString(usm.privParams);
  const usmSequence = sequence(usmHead, authTlv, privTlv);
  const securityParameters = octetString(usmSequence);
  const prefix = Buffer.concat([integer(VERSION.v3), header]);
  const data = 'scoped' in message.data ? message.data.scoped : octetString(message.data.encrypted);
  const body = Buffer.concat([prefix, securityParameters, data]);
  const bytes = tlv(TAG.sequence, body);
  // Each TLV's header is its length less its value's: walk from the message's start to the digest.
  const authParamsOffset =
    bytes.length - body.length +
    prefix.length +
    (securityParameters.length - usmSequence.length) +
    (usmSequence.length - usmHead.length - authTlv.length - privTlv.length) +
    usmHead.length +
    (authTlv.length - usm.authParams.length);
  return { bytes, authParamsOffset };
}
