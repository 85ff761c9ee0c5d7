/**
 * SNMP protocol data units (RFC 3416 section 3, RFC 1157 section 4.1 for v1): the value types
 * a varbind carries, and a PDU to and from BER. Shared by every message version.
 */
import { BerError, BerReader, TAG, integer, integerOf, nullValue, octetString, oid, oidOf, sequence, tlv, unsigned } from './ber';

export const PDU_TAG = {
  get: 0xa0,
  getNext: 0xa1,
  response: 0xa2,
  set: 0xa3,
  getBulk: 0xa5,
  report: 0xa8,
} as const;
export type PduKind = keyof typeof PDU_TAG;

/** error-status values (RFC 3416 section 3; 0-5 are also SNMPv1's). */
export const ERROR_STATUS = {
  noError: 0,
  tooBig: 1,
  noSuchName: 2,
  badValue: 3,
  readOnly: 4,
  genErr: 5,
  noAccess: 6,
  wrongType: 7,
  wrongLength: 8,
  wrongEncoding: 9,
  wrongValue: 10,
  noCreation: 11,
  inconsistentValue: 12,
  resourceUnavailable: 13,
  commitFailed: 14,
  undoFailed: 15,
  authorizationError: 16,
  notWritable: 17,
  inconsistentName: 18,
} as const;
export type ErrorStatusName = keyof typeof ERROR_STATUS;

export type SnmpValue =
  | { type: 'integer'; value: number }
  | { type: 'octets'; value: Buffer }
  | { type: 'oid'; value: number[] }
  | { type: 'counter32' | 'gauge32' | 'timeTicks'; value: number }
  | { type: 'null' | 'noSuchObject' | 'noSuchInstance' | 'endOfMibView' }
  /** A type the agent does not serve (IpAddress, Opaque, Counter64...): a SET of it is a wrongType. */
  | { type: 'unsupported'; tag: number };

export interface VarBind {
  oid: number[];
  value: SnmpValue;
}

export interface Pdu {
  kind: PduKind;
  requestId: number;
  /** GetBulk: non-repeaters. */
  errorStatus: number;
  /** GetBulk: max-repetitions. */
  errorIndex: number;
  varbinds: VarBind[];
}

const KIND_BY_TAG = new Map(Object.entries(PDU_TAG).map(([kind, tag]) => [tag as number, kind as PduKind]));

export function decodePdu(reader: BerReader): Pdu {
  const tag = reader.peekTag();
  const kind = tag === undefined ? undefined : KIND_BY_TAG.get(tag);
  if (kind === undefined || tag === undefined) throw new BerError(`not a PDU this agent serves (tag 0x${tag?.toString(16)})`);
  const fields = reader.nested(tag);
  const requestId = fields.integer();
  const errorStatus = fields.integer();
  const errorIndex = fields.integer();
  const list = fields.nested(TAG.sequence);
  const varbinds: VarBind[] = [];
  while (!list.atEnd) {
    const varbind = list.nested(TAG.sequence);
    varbinds.push({ oid: varbind.oid(), value: decodeValue(varbind) });
  }
  return { kind, requestId, errorStatus, errorIndex, varbinds };
}

function decodeValue(reader: BerReader): SnmpValue {
  const { tag, start, end } = reader.next();
  const { buffer } = reader;
  switch (tag) {
    case TAG.integer:
      return { type: 'integer', value: integerOf(buffer, { tag, start, end }) };
    case TAG.octetString:
      return { type: 'octets', value: buffer.subarray(start, end) };
    case TAG.oid:
      return { type: 'oid', value: oidOf(buffer, { tag, start, end }) };
    case TAG.null:
      return { type: 'null' };
    case TAG.counter32:
      return { type: 'counter32', value: integerOf(buffer, { tag, start, end }) };
    case TAG.gauge32:
      return { type: 'gauge32', value: integerOf(buffer, { tag, start, end }) };
    case TAG.timeTicks:
      return { type: 'timeTicks', value: integerOf(buffer, { tag, start, end }) };
    default:
      return { type: 'unsupported', tag };
  }
}

export function encodePdu(pdu: Pdu): Buffer {
  const varbinds = pdu.varbinds.map((varbind) => sequence(oid(varbind.oid), encodeValue(varbind.value)));
  return tlv(
    PDU_TAG[pdu.kind],
    Buffer.concat([integer(pdu.requestId), integer(pdu.errorStatus), integer(pdu.errorIndex), sequence(...varbinds)]),
  );
}

function encodeValue(value: SnmpValue): Buffer {
  switch (value.type) {
    case 'integer':
      return integer(value.value);
    case 'octets':
      return octetString(value.value);
    case 'oid':
      return oid(value.value);
    case 'counter32':
      return unsigned(value.value, TAG.counter32);
    case 'gauge32':
      return unsigned(value.value, TAG.gauge32);
    case 'timeTicks':
      return unsigned(value.value, TAG.timeTicks);
    case 'noSuchObject':
      return nullValue(TAG.noSuchObject);
    case 'noSuchInstance':
      return nullValue(TAG.noSuchInstance);
    case 'endOfMibView':
      return nullValue(TAG.endOfMibView);
    case 'null':
    case 'unsupported':
      return nullValue();
  }
}
