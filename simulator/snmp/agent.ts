/**
 * A command responder (RFC 3413 section 3.2) on one UDP port: v1 and v2c with a read-write and an
 * optional read-only community, v3 with users of the user-based security model. It answers
 * GET, GETNEXT, GETBULK and SET from its managed objects; SETs check every varbind before any
 * takes effect.
 *
 * What it does with a request it will not serve, as agents do: a wrong community is dropped
 * without an answer (RFC 1157 section 4.1, snmpInBadCommunityNames); a v3 request from an unknown
 * engine, an unknown user, at a level the user lacks, with a wrong digest, outside the time
 * window or undecryptable gets a Report naming the usmStats counter (RFC 3414 section 3.2).
 * Simplifications: one context (any context name is served the same objects); no notifications;
 * a read-only community's SET is noAccess, a v3 request below its user's level is an
 * authorizationError.
 */
import { createSocket, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { BerError } from './ber';
import { decodeMessage, decodeScopedPdu, encodeCommunityMessage, encodeScopedPdu, encodeV3Message, type CommunityMessage, type SecurityLevel, type V3Message } from './message';
import type { ManagedObjects } from './mib';
import { ERROR_STATUS, type ErrorStatusName, type Pdu, type VarBind } from './pdu';
import { decrypt, digestLength, encrypt, isAuthentic, localizeKeys, sign, type AuthProtocol, type UserKeys } from './usm';

export interface SnmpUser {
  name: string;
  authProtocol?: AuthProtocol;
  authKey?: string;
  /** AES-128 only. */
  privProtocol?: 'aes';
  privKey?: string;
}

export interface SnmpAgentOptions {
  host: string;
  /** 0 lets the OS choose; `port` tells the one bound. */
  port: number;
  engineId: Buffer;
  community: string;
  readOnlyCommunity?: string;
  users: readonly SnmpUser[];
  objects: ManagedObjects;
  /**
   * The device decides, per datagram, whether the agent reads it (`answer` runs the request, a SET
   * included, and returns the reply, if any) and how the reply goes out: not at all, late, garbled.
   */
  respond(answer: () => Buffer | undefined, send: (bytes: Buffer) => void): void;
}

type Access = 'read-write' | 'read-only';

/** usmStats counters (RFC 3414 section 5): the varbind of each kind of Report. */
const USM_STATS = {
  unsupportedSecLevels: 1,
  notInTimeWindows: 2,
  unknownUserNames: 3,
  unknownEngineIDs: 4,
  wrongDigests: 5,
  decryptionErrors: 6,
} as const;
type UsmStat = keyof typeof USM_STATS;
const USM_STATS_OID = [1, 3, 6, 1, 6, 3, 15, 1, 1];

/** RFC 3414 section 3.2 step 7: an authenticated message more than 150 s off the engine's clock is refused. */
const TIME_WINDOW_S = 150;
/** The agent is in its first boot; a manager that saw no boots (0) would take the agent's clock as unsynchronised. */
const ENGINE_BOOTS = 1;
/** GETBULK answers are capped, as agents cap them to fit a datagram. */
const MAX_BULK_VARBINDS = 64;

/** RFC 3584 section 4.4: SNMPv2 error statuses as an SNMPv1 manager is told them. */
const V1_ERROR: Partial<Record<ErrorStatusName, ErrorStatusName>> = {
  wrongValue: 'badValue',
  wrongEncoding: 'badValue',
  wrongType: 'badValue',
  wrongLength: 'badValue',
  inconsistentValue: 'badValue',
  noAccess: 'noSuchName',
  notWritable: 'noSuchName',
  noCreation: 'noSuchName',
  inconsistentName: 'noSuchName',
  authorizationError: 'noSuchName',
  resourceUnavailable: 'genErr',
  commitFailed: 'genErr',
  undoFailed: 'genErr',
};

interface LocalUser {
  name: string;
  level: SecurityLevel;
  keys: UserKeys;
}

export class SnmpAgent {
  readonly #options: SnmpAgentOptions;
  readonly #users: Map<string, LocalUser>;
  readonly #startedAt = Date.now();
  readonly #counters = new Map<UsmStat, number>();
  #socket: Socket | undefined;
  #port: number;

  constructor(options: SnmpAgentOptions) {
    this.#options = options;
    this.#port = options.port;
    this.#users = new Map(
      options.users.map((user) => {
        const keys = localizeKeys(user, options.engineId);
        return [user.name, { name: user.name, level: { auth: keys.auth !== undefined, priv: keys.priv !== undefined }, keys }];
      }),
    );
  }

  get port(): number {
    return this.#port;
  }

  /** Rejects when the port cannot be bound (EADDRINUSE carries address and port). */
  async start(): Promise<void> {
    const socket = createSocket(isIPv6(this.#options.host) ? 'udp6' : 'udp4');
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind({ address: this.#options.host, port: this.#port }, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    // A datagram that cannot be sent (a full buffer) is lost, as on a real network.
    socket.on('error', () => {});
    socket.on('message', (datagram, peer) => this.#receive(datagram, (bytes) => socket.send(bytes, peer.port, peer.address)));
    this.#port = socket.address().port;
    this.#socket = socket;
  }

  async stop(): Promise<void> {
    const socket = this.#socket;
    this.#socket = undefined;
    if (socket) await new Promise<void>((resolve) => socket.close(() => resolve()));
  }

  #receive(datagram: Buffer, send: (bytes: Buffer) => void): void {
    this.#options.respond(() => this.#answer(datagram), send);
  }

  #answer(datagram: Buffer): Buffer | undefined {
    try {
      const message = decodeMessage(datagram);
      return message.version === 'v3' ? this.#answerV3(message, datagram) : this.#answerCommunity(message);
    } catch (error) {
      // Not SNMP, or not the SNMP this agent reads: dropped (snmpInASNParseErrs).
      if (error instanceof BerError) return undefined;
      throw error;
    }
  }

  #answerCommunity(message: CommunityMessage): Buffer | undefined {
    const { community, readOnlyCommunity } = this.#options;
    const access: Access | undefined = message.community === community ? 'read-write' : message.community === readOnlyCommunity ? 'read-only' : undefined;
    if (!access) return undefined;
    const pdu = this.#respond(message.pdu, access, message.version === 'v1');
    return pdu && encodeCommunityMessage({ ...message, pdu });
  }

  #answerV3(message: V3Message, datagram: Buffer): Buffer | undefined {
    const report = (stat: UsmStat, requestId = 0, authenticatedFor?: LocalUser) =>
      message.reportable ? this.#report(message, stat, requestId, authenticatedFor) : undefined;
    const plainRequestId = 'pdu' in message.data ? message.data.pdu.requestId : 0;
    // Discovery (an empty engine ID) and requests meant for another engine both learn this one's.
    if (!message.usm.engineId.equals(this.#options.engineId)) return report('unknownEngineIDs', plainRequestId);
    const user = this.#users.get(message.usm.userName);
    if (!user) return report('unknownUserNames', plainRequestId);
    if ((message.level.auth && !user.level.auth) || (message.level.priv && !user.level.priv)) return report('unsupportedSecLevels', plainRequestId);
    const auth = user.keys.auth;
    if (message.level.auth && auth) {
      if (!isAuthentic(auth, datagram, message.authParamsOffset, message.usm.authParams)) return report('wrongDigests', plainRequestId);
      const clock = this.#clock();
      if (message.usm.engineBoots !== clock.engineBoots || Math.abs(message.usm.engineTime - clock.engineTime) > TIME_WINDOW_S) {
        return report('notInTimeWindows', plainRequestId, user);
      }
    }
    let scoped;
    if ('encrypted' in message.data) {
      const priv = user.keys.priv;
      const plaintext = priv && decrypt(priv, message.usm, message.usm.privParams, message.data.encrypted);
      try {
        scoped = plaintext && decodeScopedPdu(plaintext);
      } catch (error) {
        if (!(error instanceof BerError)) throw error;
      }
      if (!scoped) return report('decryptionErrors');
    } else {
      scoped = message.data;
    }
    // The user's keys say the least it must use; below that the request is not authorized (as a VACM view would refuse it).
    const tooLow = (user.level.auth && !message.level.auth) || (user.level.priv && !message.level.priv);
    const pdu = tooLow ? errorResponse(scoped.pdu, 'authorizationError', 0) : this.#respond(scoped.pdu, 'read-write', false);
    if (!pdu) return undefined;
    return this.#signedMessage(message, user, message.level, scoped.contextName, pdu);
  }

  /** The response PDU, or undefined for a PDU an agent does not answer (a response, or GETBULK in v1). */
  #respond(request: Pdu, access: Access, v1: boolean): Pdu | undefined {
    const { objects } = this.#options;
    switch (request.kind) {
      case 'get':
        return this.#readEach(request, v1, (varbind) => ({ oid: varbind.oid, value: objects.get(varbind.oid) }));
      case 'getNext':
        return this.#readEach(request, v1, (varbind) => objects.next(varbind.oid) ?? { oid: varbind.oid, value: { type: 'endOfMibView' } });
      case 'getBulk':
        return v1 ? undefined : this.#bulk(request);
      case 'set':
        return this.#set(request, access, v1);
      default:
        return undefined;
    }
  }

  #readEach(request: Pdu, v1: boolean, read: (varbind: VarBind) => VarBind): Pdu {
    const varbinds = request.varbinds.map(read);
    const missing = varbinds.findIndex((varbind) => ['noSuchObject', 'noSuchInstance', 'endOfMibView'].includes(varbind.value.type));
    // SNMPv1 has no exception values: a missing variable fails the whole request (RFC 1157 section 4.1.2).
    if (v1 && missing >= 0) return errorResponse(request, 'noSuchName', missing + 1);
    return { ...request, kind: 'response', errorStatus: 0, errorIndex: 0, varbinds };
  }

  /** RFC 3416 section 4.2.3: non-repeaters once each, then each repeater up to max-repetitions times. */
  #bulk(request: Pdu): Pdu {
    const nonRepeaters = Math.max(0, request.errorStatus);
    const maxRepetitions = Math.max(0, request.errorIndex);
    const next = (oid: readonly number[]): VarBind => this.#options.objects.next(oid) ?? { oid: [...oid], value: { type: 'endOfMibView' } };
    const varbinds = request.varbinds.slice(0, nonRepeaters).map((varbind) => next(varbind.oid));
    let cursors = request.varbinds.slice(nonRepeaters).map((varbind) => varbind.oid);
    for (let repetition = 0; repetition < maxRepetitions && cursors.length > 0 && varbinds.length < MAX_BULK_VARBINDS; repetition++) {
      const row = cursors.map(next);
      varbinds.push(...row.slice(0, MAX_BULK_VARBINDS - varbinds.length));
      if (row.every((varbind) => varbind.value.type === 'endOfMibView')) break;
      cursors = row.map((varbind) => varbind.oid);
    }
    return { ...request, kind: 'response', errorStatus: 0, errorIndex: 0, varbinds };
  }

  #set(request: Pdu, access: Access, v1: boolean): Pdu {
    const fail = (status: ErrorStatusName, index: number) => errorResponse(request, v1 ? (V1_ERROR[status] ?? status) : status, index);
    if (access === 'read-only') return fail('noAccess', 1);
    const commits: (() => void)[] = [];
    for (const [i, varbind] of request.varbinds.entries()) {
      const check = this.#options.objects.set(varbind.oid, varbind.value);
      if ('error' in check) return fail(check.error, i + 1);
      commits.push(check.commit);
    }
    for (const commit of commits) commit();
    return { ...request, kind: 'response', errorStatus: 0, errorIndex: 0 };
  }

  #report(message: V3Message, stat: UsmStat, requestId: number, authenticatedFor?: LocalUser): Buffer {
    const count = (this.#counters.get(stat) ?? 0) + 1;
    this.#counters.set(stat, count);
    const pdu: Pdu = {
      kind: 'report',
      requestId,
      errorStatus: 0,
      errorIndex: 0,
      varbinds: [{ oid: [...USM_STATS_OID, USM_STATS[stat], 0], value: { type: 'counter32', value: count } }],
    };
    const contextName = 'pdu' in message.data ? message.data.contextName : '';
    // Only the time-window report is authenticated, so the manager can trust the clock it carries (RFC 3414 section 3.2 step 7a).
    if (authenticatedFor) return this.#signedMessage(message, authenticatedFor, { auth: true, priv: false }, contextName, pdu);
    return this.#signedMessage(message, { name: message.usm.userName, level: { auth: false, priv: false }, keys: {} }, { auth: false, priv: false }, contextName, pdu);
  }

  #signedMessage(request: V3Message, user: LocalUser, level: SecurityLevel, contextName: string, pdu: Pdu): Buffer {
    const clock = this.#clock();
    const scoped = encodeScopedPdu({ contextEngineId: this.#options.engineId, contextName, pdu });
    const { auth, priv } = user.keys;
    const sealed = level.priv && priv ? encrypt(priv, clock, scoped) : undefined;
    const { bytes, authParamsOffset } = encodeV3Message({
      msgId: request.msgId,
      level,
      usm: {
        engineId: this.#options.engineId,
        ...clock,
        userName: user.name,
        authParams: level.auth && auth ? Buffer.alloc(digestLength(auth)) : Buffer.alloc(0),
        privParams: sealed?.salt ?? Buffer.alloc(0),
      },
      data: sealed ? { encrypted: sealed.ciphertext } : { scoped },
    });
    if (level.auth && auth) sign(auth, bytes, authParamsOffset);
    return bytes;
  }

  #clock(): { engineBoots: number; engineTime: number } {
    return { engineBoots: ENGINE_BOOTS, engineTime: Math.floor((Date.now() - this.#startedAt) / 1000) };
  }
}

/** The request's varbinds sent back unchanged with the error, as RFC 3416 section 4.2 asks. */
function errorResponse(request: Pdu, status: ErrorStatusName, index: number): Pdu {
  return { ...request, kind: 'response', errorStatus: ERROR_STATUS[status], errorIndex: index };
}
