import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Listing cursors are Temporal's page tokens, handed out signed together with the visibility
 * query they continue: a forged or edited cursor, or one replayed with other filters, is
 * refused before it reaches Temporal. The key belongs to this process, so a cursor does not
 * outlive a restart of the API; a client then starts again from the first page.
 */
export interface CursorCodec {
  encode(pageToken: Uint8Array, query: string): string;
  /** Undefined when the cursor was not made by encode() for this query in this process. */
  decode(cursor: string, query: string): Buffer | undefined;
}

const MAC_BYTES = 16;

export function createCursorCodec(key: Buffer = randomBytes(32)): CursorCodec {
  const mac = (pageToken: Uint8Array, query: string) =>
    createHmac('sha256', key).update(query).update('\0').update(pageToken).digest().subarray(0, MAC_BYTES);
  return {
    encode(pageToken, query) {
      return `${Buffer.from(pageToken).toString('base64url')}.${mac(pageToken, query).toString('base64url')}`;
    },
    decode(cursor, query) {
      const [encodedToken, encodedMac, ...extra] = cursor.split('.');
      if (!encodedToken || !encodedMac || extra.length > 0) return undefined;
      const pageToken = Buffer.from(encodedToken, 'base64url');
      const presented = Buffer.from(encodedMac, 'base64url');
      const expected = mac(pageToken, query);
      return presented.length === expected.length && timingSafeEqual(presented, expected) ? pageToken : undefined;
    },
  };
}
