/**
 * The subset of ASN.1 BER (X.690) that SNMP messages use: definite lengths, INTEGER, OCTET
 * STRING, NULL, OBJECT IDENTIFIER, SEQUENCE and the SNMP application and context tags. Written
 * for the simulated agent from the standards (RFC 3416 section 3 for SNMP's types), not taken
 * from the driver's SNMP library, so that both sides cannot share one misreading.
 */

export const TAG = {
  integer: 0x02,
  octetString: 0x04,
  null: 0x05,
  oid: 0x06,
  sequence: 0x30,
  ipAddress: 0x40,
  counter32: 0x41,
  gauge32: 0x42,
  timeTicks: 0x43,
  noSuchObject: 0x80,
  noSuchInstance: 0x81,
  endOfMibView: 0x82,
} as const;

/** A datagram that is not the BER the agent expects: it is dropped, as agents drop unparseable packets. */
export class BerError extends Error {
  override readonly name = 'BerError';
}

export interface Tlv {
  tag: number;
  /** Offsets into the buffer the reader reads: where the value starts and ends. */
  start: number;
  end: number;
}

/** Reads TLVs one after another between two offsets of a buffer; offsets stay those of the whole buffer. */
export class BerReader {
  #offset: number;

  constructor(
    readonly buffer: Buffer,
    start = 0,
    readonly end = buffer.length,
  ) {
    this.#offset = start;
  }

  get atEnd(): boolean {
    return this.#offset >= this.end;
  }

  peekTag(): number | undefined {
    return this.atEnd ? undefined : this.buffer[this.#offset];
  }

  next(expectedTag?: number): Tlv {
    const tag = this.#byte();
    if (expectedTag !== undefined && tag !== expectedTag) {
      throw new BerError(`expected tag 0x${expectedTag.toString(16)}, got 0x${tag.toString(16)}`);
    }
    let length = this.#byte();
    if (length & 0x80) {
      const lengthBytes = length & 0x7f;
      // Four length bytes reach 4 GiB, far past any datagram; indefinite lengths (0x80) are not BER for SNMP.
      if (lengthBytes === 0 || lengthBytes > 4) throw new BerError(`unsupported length form 0x${length.toString(16)}`);
      length = 0;
      for (let i = 0; i < lengthBytes; i++) length = length * 256 + this.#byte();
    }
    const start = this.#offset;
    const end = start + length;
    if (end > this.end) throw new BerError(`value of ${length} bytes runs past its container`);
    this.#offset = end;
    return { tag, start, end };
  }

  /** A reader over the value of the next TLV, e.g. a SEQUENCE's members. */
  nested(expectedTag: number): BerReader {
    const { start, end } = this.next(expectedTag);
    return new BerReader(this.buffer, start, end);
  }

  integer(expectedTag: number = TAG.integer): number {
    return integerOf(this.buffer, this.next(expectedTag));
  }

  octetString(): Buffer {
    const { start, end } = this.next(TAG.octetString);
    return this.buffer.subarray(start, end);
  }

  oid(): number[] {
    return oidOf(this.buffer, this.next(TAG.oid));
  }

  #byte(): number {
    if (this.#offset >= this.end) throw new BerError('message ends early');
    return this.buffer[this.#offset++] as number;
  }
}

/** Two's complement, big-endian; SNMP's integers fit in 32 bits (64 for Counter64, which the agent does not take). */
export function integerOf(buffer: Buffer, { start, end }: Tlv): number {
  const length = end - start;
  if (length === 0 || length > 5) throw new BerError(`integer of ${length} bytes`);
  let value = (buffer[start] as number) & 0x80 ? -1 : 0;
  for (let i = start; i < end; i++) value = value * 256 + (buffer[i] as number);
  return value;
}

export function oidOf(buffer: Buffer, { start, end }: Tlv): number[] {
  if (end === start) throw new BerError('empty object identifier');
  const arcs: number[] = [];
  let arc = 0;
  for (let i = start; i < end; i++) {
    const byte = buffer[i] as number;
    arc = arc * 128 + (byte & 0x7f);
    if (byte & 0x80) continue;
    if (arcs.length === 0) arcs.push(arc < 80 ? Math.floor(arc / 40) : 2, arc < 80 ? arc % 40 : arc - 80);
    else arcs.push(arc);
    arc = 0;
  }
  if ((buffer[end - 1] as number) & 0x80) throw new BerError('object identifier ends inside an arc');
  return arcs;
}

export function tlv(tag: number, value: Buffer): Buffer {
  return Buffer.concat([Buffer.of(tag), lengthOf(value.length), value]);
}

function lengthOf(length: number): Buffer {
  if (length < 0x80) return Buffer.of(length);
  const bytes: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest % 256);
  return Buffer.of(0x80 | bytes.length, ...bytes);
}

export function sequence(...members: Buffer[]): Buffer {
  return tlv(TAG.sequence, Buffer.concat(members));
}

/** The shortest two's complement form of a signed integer. */
export function integer(value: number, tag: number = TAG.integer): Buffer {
  const bytes: number[] = [];
  let rest = value;
  do {
    bytes.unshift(((rest % 256) + 256) % 256);
    rest = Math.floor(rest / 256);
  } while (!(rest === 0 && ((bytes[0] as number) & 0x80) === 0) && !(rest === -1 && ((bytes[0] as number) & 0x80) !== 0));
  return tlv(tag, Buffer.from(bytes));
}

/** Counter32, Gauge32, TimeTicks: non-negative, so a leading zero byte keeps the top bit clear. */
export function unsigned(value: number, tag: number): Buffer {
  return integer(Math.max(0, Math.floor(value)) % 2 ** 32, tag);
}

export function octetString(value: Buffer | string): Buffer {
  return tlv(TAG.octetString, typeof value === 'string' ? Buffer.from(value, 'utf8') : value);
}

export function nullValue(tag: number = TAG.null): Buffer {
  return Buffer.of(tag, 0);
}

export function oid(arcs: readonly number[]): Buffer {
  const [first = 0, second = 0, ...rest] = arcs;
  const bytes = [first * 40 + second, ...rest].flatMap(base128);
  return tlv(TAG.oid, Buffer.from(bytes));
}

function base128(arc: number): number[] {
  const bytes = [arc % 128];
  for (let rest = Math.floor(arc / 128); rest > 0; rest = Math.floor(rest / 128)) bytes.unshift((rest % 128) | 0x80);
  return bytes;
}
