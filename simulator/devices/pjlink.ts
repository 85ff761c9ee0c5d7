import { createServer, type Server, type Socket } from 'node:net';
import type { DeviceKind, Fault, ResolvedConfigOf } from '../config';
import { replacesReply, sendLineReply } from '../faults';
import { readLines } from '../line-reader';
import { SimulatedDeviceBase } from '../simulated-device';
import { PjlinkLogin } from './pjlink-login';

const CR = '\r';
/** The spec's 136 bytes per command include the CR. */
const MAX_COMMAND_BYTES = 135;
const DIGEST_LENGTH = 32;
const LAMP_HOURS = 1234;
const POWER_CODES = { off: '0', on: '1', cooling: '2', warming: '3' } as const;
const COMMAND_PATTERN = /^%([12])([A-Z0-9]{4}) (.{1,128})$/;

interface Session {
  /** The greeting's random, when the device asks for authentication. */
  challenge: string | undefined;
  authenticated: boolean;
}

/**
 * A PJLink class 1 projector. With `oneClient`, a connection arriving while another is being
 * served is accepted and closed at once, before any greeting: TCP cannot refuse one client
 * while accepting another on the same port.
 */
export class PjlinkDevice extends SimulatedDeviceBase {
  readonly kind = 'pjlink';
  readonly #served = new Set<Socket>();
  readonly #login: PjlinkLogin;
  #input = '31';

  constructor(
    private readonly config: ResolvedConfigOf<'pjlink'>,
    host: string,
  ) {
    super(config, host, { warmingMs: config.warmupMs, coolingMs: config.cooldownMs });
    this.#login = new PjlinkLogin(config.password);
  }

  override setFault(fault: Fault | undefined): void {
    super.setFault(fault);
    this.#login.reset();
  }

  protected override faultContext(): { kind: DeviceKind; password?: string } {
    return { kind: this.kind, password: this.config.password };
  }

  protected createServer(): Server {
    return createServer((socket) => this.#admit(socket));
  }

  #admit(socket: Socket): void {
    if (!this.config.oneClient) return this.#serve(socket);
    // Decided on the next turn of the event loop: a client that closed its previous connection
    // and reconnected at once must not be turned away because that close was still queued.
    setImmediate(() => {
      if (socket.destroyed) return;
      if (this.#served.size > 0) return void socket.destroy();
      this.#served.add(socket);
      const release = () => this.#served.delete(socket);
      socket.once('end', release);
      socket.once('close', release);
      this.#serve(socket);
    });
  }

  #serve(socket: Socket): void {
    const challenge = this.#login.newChallenge();
    const session: Session = { challenge, authenticated: challenge === undefined };
    this.#send(socket, challenge === undefined ? 'PJLINK 0' : `PJLINK 1 ${challenge}`);
    if (this.config.idleCloseMs > 0) {
      socket.setTimeout(this.config.idleCloseMs, () => {
        if (this.faults.current?.mode !== 'hang') socket.end();
      });
    }
    readLines(socket, {
      terminator: CR,
      maxLineBytes: () => MAX_COMMAND_BYTES + (session.authenticated ? 0 : DIGEST_LENGTH),
      onLine: (line) => this.#onLine(socket, session, line),
      onOverflow: () => socket.destroy(),
    });
  }

  #onLine(socket: Socket, session: Session, line: string): void {
    if (replacesReply(this.faults.current)) return this.#send(socket, '');
    let command = line;
    if (session.challenge !== undefined && !session.authenticated) {
      command = line.slice(DIGEST_LENGTH);
      if (!this.#login.accepts(session.challenge, line.slice(0, DIGEST_LENGTH), this.faults.current)) {
        const change = describeChange(command);
        if (change) this.record(`ERRA ${change}`);
        return this.#send(socket, 'PJLINK ERRA', () => socket.end());
      }
      session.authenticated = true;
    }
    const reply = this.#execute(command);
    // Not PJLink at all (no `%`, a stray LF, a digest the device did not ask for): the
    // device drops the client rather than guess, so such a client bug cannot go unnoticed.
    if (reply === undefined) return void socket.destroy();
    this.#send(socket, reply, () => {
      if (this.config.closeAfterReply) socket.end();
    });
  }

  #send(socket: Socket, text: string, afterSent?: () => void): void {
    sendLineReply(socket, { text, terminator: CR }, this.faults.current, afterSent);
  }

  /** The reply line, or undefined when the line is not a PJLink command. */
  #execute(command: string): string | undefined {
    const match = COMMAND_PATTERN.exec(command);
    if (!match) return undefined;
    const [, pjlinkClass = '', body = '', parameter = ''] = match;
    const prefix = `%${pjlinkClass}${body}=`;
    if (pjlinkClass !== '1') return `${prefix}ERR1`;
    const query = (answer: string) => prefix + (parameter === '?' ? answer : 'ERR2');
    switch (body) {
      case 'POWR':
        return parameter === '?' ? prefix + POWER_CODES[this.power] : prefix + this.#switchPower(parameter);
      case 'INPT':
        return parameter === '?' ? prefix + this.#input : prefix + this.#selectInput(parameter);
      case 'NAME':
        return query(this.id);
      case 'INF1':
        return query('SIMULATOR');
      case 'CLSS':
        return query('1');
      case 'ERST':
        return query('000000');
      case 'LAMP':
        return query(`${LAMP_HOURS} ${this.power === 'on' ? 1 : 0}`);
      default:
        return `${prefix}ERR1`;
    }
  }

  #switchPower(parameter: string): string {
    const command = `POWR ${parameter}`;
    if (parameter !== '0' && parameter !== '1') return this.#reject('ERR2', command);
    const target = parameter === '1' ? 'on' : 'off';
    const tooSoonToSwitchOff = target === 'off' && this.power === 'on' && this.powerCycle.msInState < this.config.minOnMs;
    if (this.powerCycle.isTransitioning || tooSoonToSwitchOff) return this.#reject('ERR3', command);
    this.record(command);
    this.powerCycle.switchTo(target);
    return 'OK';
  }

  #selectInput(parameter: string): string {
    const command = `INPT ${parameter}`;
    if (!/^[1-5][1-9]$/.test(parameter)) return this.#reject('ERR2', command);
    if (this.power !== 'on') return this.#reject('ERR3', command);
    this.record(command);
    this.#input = parameter;
    return 'OK';
  }

  #reject(error: 'ERR2' | 'ERR3', command: string): string {
    this.record(`${error} ${command}`);
    return error;
  }
}

/** `POWR 1` for a state-changing command line, undefined for queries and non-commands. */
function describeChange(command: string): string | undefined {
  const [, pjlinkClass, body, parameter] = COMMAND_PATTERN.exec(command) ?? [];
  if (pjlinkClass !== '1' || parameter === '?' || (body !== 'POWR' && body !== 'INPT')) return undefined;
  return `${body} ${parameter}`;
}
