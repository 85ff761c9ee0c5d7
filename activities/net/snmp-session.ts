/**
 * One SNMP session (npm `net-snmp`, one UDP socket) for one device call: GET and SET of single
 * values, each within its own deadline and the caller's signal (`settle`), and the socket closed
 * however the call ends. net-snmp's retries are off and its own timeout is a backstop past the
 * call's deadline, so the waits are the caller's step budgets, never the library's.
 */
import { isIPv6 } from 'node:net';
import snmp from 'net-snmp';
import { DeviceError, DeviceProtocolError, DeviceTimeoutError, DeviceUnreachableError, type DeviceCallContext } from '../errors';
import { snmpFailure, type SnmpRequest, type SnmpVersion } from './snmp-errors';
import { settle } from './settle';
import { describeSocketError, errorCode } from './socket-errors';

/** Credentials resolved on the worker: a community, or a v3 user with its keys. */
export type SnmpAccess = { version: '1' | '2c'; community: string } | { version: '3'; user: snmp.User };

export interface SnmpSessionOptions {
  host: string;
  port: number;
  access: SnmpAccess;
  /** How error messages name the device, e.g. `the PDU`. */
  agent: string;
  /** Names the machine, address and elapsed time in every error. */
  context: DeviceCallContext;
  /** The caller's cancellation (the activity's signal). */
  signal: AbortSignal;
  /** net-snmp's own timeout per datagram: past the whole call's deadline, so it never decides. */
  backstopMs: number;
}

/** Opens a session, lets `use` talk, and closes it however that ends. */
export async function withSnmpSession<T>(options: SnmpSessionOptions, use: (session: SnmpSession) => Promise<T>): Promise<T> {
  const session = new SnmpSession(options);
  try {
    return await use(session);
  } finally {
    session.close();
  }
}

export class SnmpSession {
  readonly #options: SnmpSessionOptions;
  readonly #session: snmp.Session;
  /** The request waiting now, failed by an answer net-snmp cannot even decode. */
  #failWaiting: ((error: DeviceError) => void) | undefined;
  #closed = false;

  constructor(options: SnmpSessionOptions) {
    this.#options = options;
    const { host, port, access, backstopMs } = options;
    const common = { port, retries: 0, timeout: backstopMs, transport: isIPv6(host) ? 'udp6' : 'udp4' } as const;
    this.#session = access.version === '3'
      ? snmp.createV3Session(host, access.user, common)
      : snmp.createSession(host, access.community, { ...common, version: access.version === '1' ? snmp.Version1 : snmp.Version2c });
    // net-snmp emits 'error' for a datagram it cannot decode; unheard, the emitter would throw it out of the socket's handler.
    this.#session.on('error', (error) => {
      this.#failWaiting?.(options.context.error(DeviceProtocolError, 'read answer', `undecodable answer (${error.message})`, error));
    });
  }

  /** The value of one object; an exception value (noSuchInstance...) is the caller's to judge. */
  async get(request: Omit<SnmpRequest, 'kind' | 'value'>, step: string, budgetMs: number): Promise<snmp.Varbind> {
    const varbinds = await this.#send({ ...request, kind: 'GET' }, step, budgetMs, (done) => this.#session.get([request.oid], done));
    const [varbind] = varbinds;
    if (!varbind) throw this.#options.context.error(DeviceProtocolError, step, `no value for ${request.oid} in the answer`);
    return varbind;
  }

  async setInteger(request: Omit<SnmpRequest, 'kind'> & { value: number }, step: string, budgetMs: number): Promise<void> {
    const varbind = { oid: request.oid, type: snmp.ObjectType.Integer, value: request.value };
    await this.#send({ ...request, kind: 'SET' }, step, budgetMs, (done) => this.#session.set([varbind], done));
  }

  /** Waits `ms`, ended early by the caller's signal. */
  pause(step: string, ms: number): Promise<void> {
    const { context, signal } = this.#options;
    return settle<void>(signal, (reason) => context.aborted(step, reason), ({ resolve, deadline }) => deadline(ms, resolve));
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.#session.close();
    } catch (error) {
      // A socket a failed send already closed throws ERR_SOCKET_DGRAM_NOT_RUNNING: closed either way.
      if (errorCode(error) !== 'ERR_SOCKET_DGRAM_NOT_RUNNING') throw error;
    }
  }

  #send(request: SnmpRequest, step: string, budgetMs: number, send: (done: (error: Error | null, varbinds?: snmp.Varbind[]) => void) => void): Promise<snmp.Varbind[]> {
    const { context, signal } = this.#options;
    return settle<snmp.Varbind[]>(signal, (reason) => context.aborted(step, reason), ({ resolve, reject, deadline, cleanup }) => {
      deadline(budgetMs, () => {
        throw context.error(DeviceTimeoutError, step, this.#noAnswer(budgetMs));
      });
      this.#failWaiting = reject;
      cleanup(() => {
        this.#failWaiting = undefined;
      });
      send((error, varbinds) => (error ? reject(this.#failure(step, request, error, budgetMs)) : resolve(varbinds ?? [])));
    });
  }

  #failure(step: string, request: SnmpRequest, error: Error, budgetMs: number): DeviceError {
    const { context, access, agent } = this.#options;
    // A send that failed (no route, a name that does not resolve) carries the socket's code.
    if (errorCode(error) !== undefined) return context.error(DeviceUnreachableError, step, describeSocketError(error), error);
    if (error.name === 'RequestTimedOutError') return context.error(DeviceTimeoutError, step, this.#noAnswer(budgetMs), error);
    const { kind, problem } = snmpFailure(error, request, { agent, version: access.version });
    return context.error(kind, step, problem, error);
  }

  /** What an unanswered request means, with the reasons an operator can check. */
  #noAnswer(budgetMs: number): string {
    const version: SnmpVersion = this.#options.access.version;
    const why = version === '3'
      ? 'the agent is off or unreachable, or does not speak SNMPv3 on this port'
      : `the agent is off or unreachable, or the community is wrong (an SNMP ${version} agent does not answer a community it does not know)`;
    return `no answer within ${budgetMs} ms: ${why}`;
  }
}
