import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Server } from 'node:net';
import type { ResolvedConfigOf } from '../config';
import { replacesReply, sendHttpReply, type HttpReply } from '../faults';
import { BODY_TOO_LARGE, NOT_FOUND, methodNotAllowed, readBody, requestPath, requestedPower } from '../json-http';
import type { SimulatedPower } from '../power';
import { SimulatedDeviceBase } from '../simulated-device';

const POWER_PATH = '/api/v1/power';
const REPORTED_POWER: Record<SimulatedPower, string> = {
  on: 'on',
  off: 'off',
  warming: 'booting',
  cooling: 'shutting-down',
};
const UNAUTHORIZED: HttpReply = { status: 401, body: { error: 'unauthorized' }, headers: { 'www-authenticate': 'Bearer' } };

/** A media player with a JSON power API, optionally behind a bearer token. */
export class HttpPlayerDevice extends SimulatedDeviceBase {
  readonly kind = 'http';

  constructor(
    private readonly config: ResolvedConfigOf<'http'>,
    host: string,
  ) {
    super(config, host, { warmingMs: config.bootMs, coolingMs: config.shutdownMs });
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
    if (requestPath(req) !== POWER_PATH) return NOT_FOUND;
    const authorized = this.config.token === undefined || req.headers.authorization === `Bearer ${this.config.token}`;
    if (req.method === 'GET') return authorized ? { status: 200, body: { power: REPORTED_POWER[this.power] } } : UNAUTHORIZED;
    if (req.method !== 'PUT') return methodNotAllowed(['GET', 'PUT']);

    const body = await readBody(req);
    if (!body) return undefined;
    if ('tooLarge' in body) return BODY_TOO_LARGE;
    const target = requestedPower(body.text);
    const command = target === undefined ? 'PUT power' : `PUT power ${target}`;
    if (!authorized) return this.#reject(UNAUTHORIZED, command);
    if (target === undefined) return this.#reject({ status: 400, body: { error: 'expected {"power":"on"|"off"}' } }, command);
    if (this.powerCycle.isTransitioning) {
      return this.#reject({ status: 409, body: { error: 'busy', power: REPORTED_POWER[this.power] } }, command);
    }
    this.record(command);
    this.powerCycle.switchTo(target);
    return { status: 200, body: { ok: true } };
  }

  #reject(reply: HttpReply, command: string): HttpReply {
    this.record(`${reply.status} ${command}`);
    return reply;
  }
}
