import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Server } from 'node:net';
import type { ResolvedConfigOf } from '../config';
import { replacesReply, sendHttpReply, type HttpReply } from '../faults';
import { BODY_TOO_LARGE, NOT_FOUND, jsonField, methodNotAllowed, readBody, requestPath, requestedPower } from '../json-http';
import type { SimulatedPower } from '../power';
import { InvalidSettingError, SimulatedDeviceBase, type SimulatedDevice } from '../simulated-device';

const API_PATH = '/api/v1/';
const SETTINGS = ['input', 'volume', 'playlist'] as const;
type Setting = (typeof SETTINGS)[number];
const REPORTED_POWER: Record<SimulatedPower, string> = {
  on: 'on',
  off: 'off',
  warming: 'booting',
  cooling: 'shutting-down',
};
const OK: HttpReply = { status: 200, body: { ok: true } };
const UNAUTHORIZED: HttpReply = { status: 401, body: { error: 'unauthorized' }, headers: { 'www-authenticate': 'Bearer' } };
const NOT_ON: HttpReply = { status: 409, body: { error: 'not on' } };

/** What a test or the demo can read and change on a player besides its power. */
export interface SimulatedPlayer extends SimulatedDevice {
  readonly kind: 'http';
  readonly input: string;
  /** 0-100. */
  readonly volume: number;
  readonly playlist: string;
  /**
   * Someone at the player: in any power state, not in the command log. Each throws
   * InvalidSettingError for a value the API would answer 400.
   */
  setInput(input: string): void;
  setVolume(volume: number): void;
  setPlaylist(playlist: string): void;
}

/**
 * A media player with a JSON API, optionally behind a bearer token: power, and the input,
 * volume and playlist it plays with, which change only while it is on.
 */
export class HttpPlayerDevice extends SimulatedDeviceBase implements SimulatedPlayer {
  readonly kind = 'http';
  #input: string;
  #volume: number;
  #playlist: string;

  constructor(
    private readonly config: ResolvedConfigOf<'http'>,
    host: string,
  ) {
    super(config, host, { warmingMs: config.bootMs, coolingMs: config.shutdownMs });
    this.#input = config.initialInput ?? config.inputs[0];
    this.#volume = config.initialVolume;
    this.#playlist = config.initialPlaylist;
  }

  get input(): string {
    return this.#input;
  }

  get volume(): number {
    return this.#volume;
  }

  get playlist(): string {
    return this.#playlist;
  }

  setInput(input: string): void {
    this.#changeByHand('input', input);
  }

  setVolume(volume: number): void {
    this.#changeByHand('volume', volume);
  }

  setPlaylist(playlist: string): void {
    this.#changeByHand('playlist', playlist);
  }

  protected createServer(): Server {
    return createServer((req, res) => void this.#handle(req, res));
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const fault = this.faults.current;
    if (replacesReply(fault)) return sendHttpReply(res, NOT_FOUND, fault);
    const reply = await this.#route(req);
    if (reply) sendHttpReply(res, reply, fault);
  }

  /** undefined when the client went away before the request was complete. */
  async #route(req: IncomingMessage): Promise<HttpReply | undefined> {
    const path = requestPath(req);
    const resource = path.startsWith(API_PATH) ? path.slice(API_PATH.length) : '';
    if (resource !== 'status' && resource !== 'power' && !isSetting(resource)) return NOT_FOUND;
    const authorized = this.config.token === undefined || req.headers.authorization === `Bearer ${this.config.token}`;
    if (req.method === 'GET') return authorized ? { status: 200, body: this.#read(resource) } : UNAUTHORIZED;
    if (resource === 'status') return methodNotAllowed(['GET']);
    if (req.method !== 'PUT') return methodNotAllowed(['GET', 'PUT']);

    const body = await readBody(req);
    if (!body) return undefined;
    if ('tooLarge' in body) return BODY_TOO_LARGE;
    if (resource === 'power') return this.#putPower(requestedPower(body.text), authorized);
    return this.#putSetting(resource, jsonField(body.text, resource), authorized);
  }

  #read(resource: 'status' | 'power' | Setting): Record<string, string | number> {
    const status = { power: REPORTED_POWER[this.power], input: this.#input, volume: this.#volume, playlist: this.#playlist };
    return resource === 'status' ? status : { [resource]: status[resource] };
  }

  #putPower(target: 'on' | 'off' | undefined, authorized: boolean): HttpReply {
    const command = target === undefined ? 'PUT power' : `PUT power ${target}`;
    if (!authorized) return this.#reject(UNAUTHORIZED, command);
    if (target === undefined) return this.#reject({ status: 400, body: { error: 'expected {"power":"on"|"off"}' } }, command);
    if (this.powerCycle.isTransitioning) {
      return this.#reject({ status: 409, body: { error: 'busy', power: REPORTED_POWER[this.power] } }, command);
    }
    this.record(command);
    this.powerCycle.switchTo(target);
    return OK;
  }

  #putSetting(setting: Setting, value: unknown, authorized: boolean): HttpReply {
    const command = typeof value === 'string' || typeof value === 'number' ? `PUT ${setting} ${value}` : `PUT ${setting}`;
    if (!authorized) return this.#reject(UNAUTHORIZED, command);
    const change = this.#changeTo(setting, value);
    if (!change) return this.#reject({ status: 400, body: { error: `expected ${this.#expected(setting)}` } }, command);
    if (this.power !== 'on') return this.#reject(NOT_ON, command);
    this.record(command);
    change();
    return OK;
  }

  #changeByHand(setting: Setting, value: unknown): void {
    const change = this.#changeTo(setting, value);
    if (!change) throw new InvalidSettingError(`${this.id}: expected ${this.#expected(setting)}, not ${JSON.stringify(value)}`);
    change();
  }

  /** The change to the requested value, or undefined when the player does not take that value. */
  #changeTo(setting: Setting, value: unknown): (() => void) | undefined {
    switch (setting) {
      case 'input':
        if (typeof value !== 'string' || !this.config.inputs.includes(value)) return undefined;
        return () => {
          this.#input = value;
        };
      case 'volume':
        if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 100) return undefined;
        return () => {
          this.#volume = value;
        };
      case 'playlist':
        if (typeof value !== 'string' || value.length === 0) return undefined;
        return () => {
          this.#playlist = value;
        };
    }
  }

  #expected(setting: Setting): string {
    switch (setting) {
      case 'input':
        return `{"input":${this.config.inputs.map((input) => JSON.stringify(input)).join('|')}}`;
      case 'volume':
        return '{"volume":<integer 0-100>}';
      case 'playlist':
        return '{"playlist":"<non-empty name>"}';
    }
  }

  #reject(reply: HttpReply, command: string): HttpReply {
    this.record(`${reply.status} ${command}`);
    return reply;
  }
}

function isSetting(resource: string): resource is Setting {
  return (SETTINGS as readonly string[]).includes(resource);
}
