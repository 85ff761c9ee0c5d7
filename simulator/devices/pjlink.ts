import { createServer, type Server, type Socket } from 'node:net';
import type { DeviceKind, Fault, ResolvedConfigOf } from '../config';
import { replacesReply, sendLineReply } from '../faults';
import { LampClock } from '../lamp';
import { readLines } from '../line-reader';
import { InvalidSettingError, SimulatedDeviceBase, type SimulatedDevice } from '../simulated-device';
import { avMuteAfter, type AvMuteState } from './pjlink-av-mute';
import { PjlinkLogin } from './pjlink-login';

const CR = '\r';
/** The spec's 136 bytes per command include the CR. */
const MAX_COMMAND_BYTES = 135;
const DIGEST_LENGTH = 32;
const POWER_CODES = { off: '0', on: '1', cooling: '2', warming: '3' } as const;
const COMMAND_PATTERN = /^%([12])([A-Z0-9]{4}) (.{1,128})$/;
const STATE_CHANGING_COMMANDS = new Set(['POWR', 'INPT', 'AVMT']);
const ERROR_STATUS_PATTERN = /^[0-2]{6}$/;

export type { AvMuteState } from './pjlink-av-mute';

/** What a test or the demo can read and change on a projector besides its power. */
export interface SimulatedProjector extends SimulatedDevice {
  readonly kind: 'pjlink';
  /** The selected input's code, e.g. '31'. */
  readonly input: string;
  readonly avMute: AvMuteState;
  /** undefined for a projector without a lamp (`lamp: false`). */
  readonly lampHours: number | undefined;
  /** Six digits as `ERST ?` answers them. */
  readonly errorStatus: string;
  /** Someone at the projector's remote: any of its inputs, in any power state; not in the command log. */
  setInput(code: string): void;
  /** An AVMT set code (10, 11, 20, 21, 30, 31), the same way as setInput. */
  setAvMute(code: string): void;
  setErrorStatus(status: string): void;
}

interface Session {
  /** The greeting's random, when the device asks for authentication. */
  challenge: string | undefined;
  authenticated: boolean;
}

/**
 * A PJLink class 1 projector: power, input, AV mute, lamp hours, error status and identity.
 * With `oneClient`, a connection arriving while another is being served is accepted and closed
 * at once, before any greeting: TCP cannot refuse one client while accepting another on the
 * same port.
 */
export class PjlinkDevice extends SimulatedDeviceBase implements SimulatedProjector {
  readonly kind = 'pjlink';
  readonly #served = new Set<Socket>();
  readonly #login: PjlinkLogin;
  readonly #lamp: LampClock | undefined;
  #input: string;
  #avMute: AvMuteState;
  #errorStatus: string;
  readonly #inputDrift: NodeJS.Timeout | undefined;

  constructor(
    private readonly config: ResolvedConfigOf<'pjlink'>,
    host: string,
  ) {
    super(config, host, { warmingMs: config.warmupMs, coolingMs: config.cooldownMs });
    this.#login = new PjlinkLogin(config.password);
    this.#input = config.initialInput ?? config.inputs[0];
    this.#avMute = config.initialMute;
    this.#errorStatus = config.errorStatus;
    this.#lamp = config.lamp ? new LampClock(config.lampHours, config.lampHourMs, this.#lampLit()) : undefined;
    this.#inputDrift = this.#startInputDrift();
  }

  get input(): string {
    return this.#input;
  }

  get avMute(): AvMuteState {
    return this.#avMute;
  }

  get lampHours(): number | undefined {
    return this.#lamp?.hours;
  }

  get errorStatus(): string {
    return this.#errorStatus;
  }

  setInput(code: string): void {
    if (!this.config.inputs.includes(code)) {
      throw new InvalidSettingError(`${this.id} has no input ${code}; its inputs: ${this.config.inputs.join(', ')}`);
    }
    this.#input = code;
  }

  setAvMute(code: string): void {
    const after = avMuteAfter(this.#avMute, code);
    if (after === undefined) throw new InvalidSettingError(`${this.id}: ${code} is not an AVMT set code (10, 11, 20, 21, 30, 31)`);
    this.#avMute = after;
  }

  setErrorStatus(status: string): void {
    if (!ERROR_STATUS_PATTERN.test(status)) throw new InvalidSettingError(`${this.id}: error status must be six digits 0-2, not ${status}`);
    this.#errorStatus = status;
  }

  override async stop(): Promise<void> {
    clearInterval(this.#inputDrift);
    await super.stop();
  }

  override setFault(fault: Fault | undefined): void {
    super.setFault(fault);
    this.#login.reset();
  }

  protected override faultContext(): { kind: DeviceKind; password?: string } {
    return { kind: this.kind, password: this.config.password };
  }

  protected override onPowerChange(): void {
    this.#lamp?.setLit(this.#lampLit());
  }

  /** A projector back on mains waits in standby for its power command, whatever it started as. */
  protected override powersUpOn(): boolean {
    return false;
  }

  /** The lamp strikes at the end of warm-up, in this simulator's simplification, and goes out when cooling starts. */
  #lampLit(): boolean {
    return this.power === 'on';
  }

  /**
   * Ticks from construction to stop() and acts only while on, so power changes need not restart
   * it (the simulator stops every device it created, even when another failed to start).
   */
  #startInputDrift(): NodeJS.Timeout | undefined {
    const { driftInputEveryMs, inputs } = this.config;
    if (driftInputEveryMs === 0 || inputs.length < 2) return undefined;
    const drift = setInterval(() => {
      if (this.power === 'on') this.#input = inputs[(inputs.indexOf(this.#input) + 1) % inputs.length] ?? this.#input;
    }, driftInputEveryMs);
    // Like the power transitions: the simulator's owner decides the process lifetime.
    drift.unref();
    return drift;
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
        return prefix + (parameter === '?' ? POWER_CODES[this.power] : this.#switchPower(parameter));
      case 'INPT':
        return prefix + (parameter === '?' ? this.#input : this.#selectInput(parameter));
      case 'AVMT':
        return prefix + (parameter === '?' ? this.#avMute : this.#muteAudioVideo(parameter));
      case 'INST':
        return query(this.config.inputs.join(' '));
      case 'LAMP':
        return this.#lamp ? query(`${this.#lamp.hours} ${this.#lamp.lit ? 1 : 0}`) : `${prefix}ERR1`;
      case 'ERST':
        return query(this.#errorStatus);
      case 'NAME':
        return query(this.config.name ?? this.id);
      case 'INF1':
        return query(this.config.manufacturer);
      case 'INF2':
        return query(this.config.model);
      case 'INFO':
        return query(this.config.info);
      case 'CLSS':
        return query('1');
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

  #selectInput(code: string): string {
    const command = `INPT ${code}`;
    if (!this.config.inputs.includes(code)) return this.#reject('ERR2', command);
    if (this.power !== 'on') return this.#reject('ERR3', command);
    this.record(command);
    this.#input = code;
    return 'OK';
  }

  #muteAudioVideo(code: string): string {
    const command = `AVMT ${code}`;
    const after = avMuteAfter(this.#avMute, code);
    if (after === undefined) return this.#reject('ERR2', command);
    if (this.power !== 'on') return this.#reject('ERR3', command);
    this.record(command);
    this.#avMute = after;
    return 'OK';
  }

  #reject(error: 'ERR2' | 'ERR3', command: string): string {
    this.record(`${error} ${command}`);
    return error;
  }
}

/** `POWR 1` for a state-changing command line, undefined for queries and non-commands. */
function describeChange(command: string): string | undefined {
  const [, pjlinkClass, body = '', parameter] = COMMAND_PATTERN.exec(command) ?? [];
  if (pjlinkClass !== '1' || parameter === '?' || !STATE_CHANGING_COMMANDS.has(body)) return undefined;
  return `${body} ${parameter}`;
}
