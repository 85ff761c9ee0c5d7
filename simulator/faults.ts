import { randomBytes, randomInt } from 'node:crypto';
import { STATUS_CODES, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Writable } from 'node:stream';
import type { Fault } from './config';

/**
 * Long enough for the peer to read the partial bytes: an RST sent at once makes the peer's
 * kernel drop them unread, and the "partial reply" would never be seen.
 */
const RESET_GRACE_MS = 20;
const ENDLESS_CHUNK = Buffer.alloc(64 * 1024, '~');

/** The device's current fault, plus the refuse/healthy clock of `flapping` (healthy first). */
export class FaultSwitch {
  #fault: Fault | undefined;
  #refusingPhase = false;
  #flapping: NodeJS.Timeout | undefined;

  /** onReachabilityChange runs whenever `refusing` may have changed. */
  constructor(
    initial: Fault | undefined,
    private readonly onReachabilityChange: () => void,
  ) {
    this.#fault = initial;
    this.#startFlapping();
  }

  get current(): Fault | undefined {
    return this.#fault;
  }

  /** `refuse`, or `flapping` in its refusing half. */
  get refusing(): boolean {
    return this.#fault?.mode === 'refuse' || this.#refusingPhase;
  }

  set(fault: Fault | undefined): void {
    this.#stopFlapping();
    this.#fault = fault;
    this.#startFlapping();
    this.onReachabilityChange();
  }

  /** The device lost its power: a fault that a power cycle clears (`clearedBy: power-cycle`) is gone. */
  powerLost(): void {
    if (this.#fault?.clearedBy === 'power-cycle') this.set(undefined);
  }

  stop(): void {
    this.#stopFlapping();
  }

  #startFlapping(): void {
    if (this.#fault?.mode !== 'flapping') return;
    this.#flapping = setInterval(() => {
      this.#refusingPhase = !this.#refusingPhase;
      this.onReachabilityChange();
    }, this.#fault.periodMs);
    this.#flapping.unref();
  }

  #stopFlapping(): void {
    clearInterval(this.#flapping);
    this.#flapping = undefined;
    this.#refusingPhase = false;
  }
}

/**
 * Faults under which the device never produces its real answer, so the command it received
 * is not executed either. Under `slow` and `reset-mid-reply` the command does take effect:
 * the client just cannot tell.
 */
export function replacesReply(fault: Fault | undefined): boolean {
  return fault?.mode === 'hang' || fault?.mode === 'garbage' || fault?.mode === 'endless';
}

/** Runs fn after ms unless the socket closes first. */
export function later(socket: Socket, ms: number, fn: () => void): void {
  const cancel = () => clearTimeout(timer);
  const timer = setTimeout(() => {
    socket.off('close', cancel);
    fn();
  }, ms);
  socket.once('close', cancel);
}

/** Random bytes of no protocol, never containing the protocol's terminator characters. */
export function garbageBytes(terminator = '\r\n'): Buffer {
  const forbidden = new Set(Buffer.from(terminator));
  return Buffer.from(randomBytes(randomInt(16, 49)).map((byte) => (forbidden.has(byte) ? 0x7f : byte)));
}

/** Writes filler for as long as the peer reads it; stops when the stream closes. */
export function streamEndless(out: Writable): void {
  let closed = false;
  out.once('close', () => (closed = true));
  // A write racing the peer's close fails; the stream is over either way.
  out.on('error', () => {});
  const pump = () => {
    let roomLeft = true;
    while (roomLeft && !closed && !out.destroyed) roomLeft = out.write(ENDLESS_CHUNK);
  };
  out.on('drain', pump);
  pump();
}

/** Sends the first `partLength` bytes, then resets the connection (RST, not FIN). */
export function sendPartThenReset(socket: Socket, whole: string, partLength = Math.floor(whole.length / 2)): void {
  if (!socket.writable) return;
  socket.write(whole.slice(0, Math.max(1, partLength)), () =>
    later(socket, RESET_GRACE_MS, () => socket.resetAndDestroy()),
  );
}

export interface LineReply {
  text: string;
  terminator: string;
}

/** Sends one protocol line the way the fault distorts it; afterSent runs once a reply went out whole. */
export function sendLineReply(socket: Socket, reply: LineReply, fault: Fault | undefined, afterSent: () => void = () => {}): void {
  const whole = reply.text + reply.terminator;
  const send = (data: string | Buffer) => {
    if (!socket.writable) return;
    socket.write(data);
    afterSent();
  };
  switch (fault?.mode) {
    case 'hang':
      return;
    case 'garbage':
      return send(Buffer.concat([garbageBytes(reply.terminator), Buffer.from(reply.terminator)]));
    case 'endless':
      return streamEndless(socket);
    case 'reset-mid-reply':
      return sendPartThenReset(socket, whole);
    case 'slow':
      return later(socket, fault.delayMs, () => send(whole));
    default:
      return send(whole);
  }
}

export interface HttpReply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** Sends a JSON reply the way the fault distorts it. */
export function sendHttpReply(res: ServerResponse, reply: HttpReply, fault: Fault | undefined): void {
  const socket = res.socket;
  if (!socket) return;
  switch (fault?.mode) {
    case 'hang':
      return;
    case 'garbage':
      // Not even HTTP: the client's parser has to fail, not just its JSON decoding.
      socket.end(garbageBytes());
      return;
    case 'endless':
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"padding":"');
      return streamEndless(res);
    case 'reset-mid-reply': {
      // Cut inside the body, so the status line and headers arrive and only the body read fails.
      const { head, body } = rawHttpResponse(reply);
      return sendPartThenReset(socket, head + body, head.length + Math.floor(body.length / 2));
    }
    case 'slow':
      return later(socket, fault.delayMs, () => writeHttpReply(res, reply));
    default:
      return writeHttpReply(res, reply);
  }
}

function writeHttpReply(res: ServerResponse, reply: HttpReply): void {
  if (res.headersSent || res.destroyed) return;
  const body = JSON.stringify(reply.body);
  res.writeHead(reply.status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    ...reply.headers,
  });
  res.end(body);
}

function rawHttpResponse(reply: HttpReply): { head: string; body: string } {
  const body = JSON.stringify(reply.body);
  const headers = {
    'Content-Type': 'application/json',
    'Content-Length': String(Buffer.byteLength(body)),
    ...reply.headers,
  };
  const head =
    `HTTP/1.1 ${reply.status} ${STATUS_CODES[reply.status] ?? ''}\r\n` +
    Object.entries(headers)
      .map(([name, value]) => `${name}: ${value}\r\n`)
      .join('') +
    '\r\n';
  return { head, body };
}
