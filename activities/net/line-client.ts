import net from 'node:net';
import { StringDecoder } from 'node:string_decoder';
import {
  DeviceError,
  DeviceProtocolError,
  DeviceTimeoutError,
  DeviceUnreachableError,
  quote,
  type DeviceCallContext,
} from '../errors';
import { settle } from './settle';
import { describeSocketError, isReset } from './socket-errors';

export interface LineClientOptions {
  host: string;
  port: number;
  /** Names the machine, address and elapsed time in every error. */
  context: DeviceCallContext;
  /** The caller's cancellation (the activity's signal); aborting ends any wait at once. */
  signal: AbortSignal;
  /** Ends each received line; default CRLF. */
  receiveTerminator?: string;
  /** Everything the device may send over this connection, banner included; default 4096. */
  maxBytes?: number;
}

const defaults = { receiveTerminator: '\r\n', maxBytes: 4096 };

/** Connects within `connectTimeoutMs`, lets `talk` use the connection, and destroys it however that ends. */
export async function withLineConnection<T>(
  options: LineClientOptions,
  connectTimeoutMs: number,
  talk: (client: LineClient) => Promise<T>,
): Promise<T> {
  const client = new LineClient(options);
  try {
    await client.connect(connectTimeoutMs);
    return await talk(client);
  } finally {
    client.destroy();
  }
}

/**
 * One short-lived TCP connection to a line-based device: connect, exchange a few lines, destroy.
 * Every wait has its own deadline (the step's budget from the driver's spec, counted from the
 * wait's start) and ends early when the caller's signal aborts; `destroy` is idempotent and safe
 * at any point, so callers put it in `finally`.
 */
export class LineClient {
  readonly #options: Required<LineClientOptions>;
  readonly #decoder = new StringDecoder('utf8');
  readonly #lines: string[] = [];
  #socket: net.Socket | undefined;
  #connected = false;
  #partialLine = '';
  #bytesReceived = 0;
  #overflowed = false;
  #socketError: Error | undefined;
  #peerClosed = false;
  #destroyed = false;
  #wakeWaiter: (() => void) | undefined;

  constructor(options: LineClientOptions) {
    this.#options = { ...defaults, ...options };
    if (!this.#options.receiveTerminator) throw new Error('LineClient needs a non-empty receiveTerminator');
  }

  async connect(timeoutMs: number): Promise<void> {
    if (this.#socket || this.#destroyed) throw new Error('a LineClient connects once; create one per call');
    const { host, port, context, signal } = this.#options;
    if (signal.aborted) throw context.aborted('connect', signal.reason);
    const socket = net.connect({ host, port, noDelay: true });
    this.#socket = socket;
    socket.on('connect', () => {
      this.#connected = true;
      this.#wake();
    });
    socket.on('data', (chunk: Buffer) => this.#receive(chunk));
    socket.on('error', (error) => {
      this.#socketError ??= error;
      this.#wake();
    });
    const onPeerClosed = (): void => {
      if (this.#destroyed) return;
      this.#peerClosed = true;
      this.#wake();
    };
    socket.on('end', onPeerClosed);
    socket.on('close', onPeerClosed);

    await this.#waitFor(
      'connect',
      timeoutMs,
      () => (this.#connected ? true : undefined),
      () => {
        throw context.error(DeviceUnreachableError, 'connect', `no connection within ${timeoutMs} ms`);
      },
    );
  }

  /** The next complete line, without its terminator. */
  readLine(step: string, timeoutMs: number): Promise<string> {
    const { context } = this.#options;
    return this.#waitFor(
      step,
      timeoutMs,
      () => this.#lines.shift(),
      () => {
        const problem = this.#partialLine
          ? `incomplete reply within ${timeoutMs} ms: got ${quote(this.#partialLine)}`
          : `no reply within ${timeoutMs} ms`;
        throw context.error(DeviceTimeoutError, step, problem);
      },
    );
  }

  /**
   * Sends `text` as is (the caller adds the terminator) and returns the next unread line; a
   * caller that must not take earlier lines for the reply discards them first.
   */
  request(text: string, step: string, timeoutMs: number): Promise<string> {
    const socket = this.#socket;
    if (!socket || !this.#connected) throw new Error('LineClient.request before connect');
    if (!socket.destroyed && !this.#peerClosed) {
      socket.write(text, (error) => {
        if (!error) return;
        this.#socketError ??= error;
        this.#wake();
      });
    }
    return this.readLine(step, timeoutMs);
  }

  /** Waits for a line matching `pattern` (a device's greeting), dropping the lines before it. */
  awaitLine(pattern: RegExp, step: string, timeoutMs: number): Promise<string> {
    const { context } = this.#options;
    return this.#waitFor(
      step,
      timeoutMs,
      () => {
        for (let line = this.#lines.shift(); line !== undefined; line = this.#lines.shift()) {
          if (pattern.test(line)) return line;
        }
        return undefined;
      },
      () => {
        throw context.error(DeviceTimeoutError, step, `no line matching /${pattern.source}/ within ${timeoutMs} ms`);
      },
    );
  }

  /** Lets the device talk for `ms` (e.g. a banner), failing early only if the connection breaks. */
  listen(ms: number, step: string): Promise<void> {
    return this.#waitFor(step, ms, () => undefined, () => undefined);
  }

  /** Drops the complete lines received so far. */
  discardLines(): void {
    this.#lines.length = 0;
  }

  destroy(): void {
    this.#destroyed = true;
    this.#socket?.destroy();
    this.#wake();
  }

  #receive(chunk: Buffer): void {
    if (this.#overflowed) return;
    this.#bytesReceived += chunk.length;
    if (this.#bytesReceived > this.#options.maxBytes) {
      // Stop reading at the cap: an endless stream must cost neither memory nor time.
      this.#overflowed = true;
      this.#socket?.destroy();
    } else {
      this.#partialLine += this.#decoder.write(chunk);
      this.#splitLines();
    }
    this.#wake();
  }

  #splitLines(): void {
    const terminator = this.#options.receiveTerminator;
    let end = this.#partialLine.indexOf(terminator);
    while (end !== -1) {
      this.#lines.push(this.#partialLine.slice(0, end));
      this.#partialLine = this.#partialLine.slice(end + terminator.length);
      end = this.#partialLine.indexOf(terminator);
    }
  }

  #wake(): void {
    this.#wakeWaiter?.();
  }

  /** Why nothing more can arrive, as the error for `step`; undefined while the connection is usable. */
  #brokenAt(step: string): DeviceError | undefined {
    const { context, maxBytes } = this.#options;
    if (this.#overflowed) {
      return context.error(DeviceProtocolError, step, `reply too large: more than ${maxBytes} bytes received`);
    }
    const midReply = this.#partialLine ? ` mid-reply after ${quote(this.#partialLine)}` : '';
    if (this.#socketError) {
      const error = this.#socketError;
      if (this.#connected && isReset(error) && midReply) {
        return context.error(DeviceProtocolError, step, `connection reset${midReply}`, error);
      }
      return context.error(DeviceUnreachableError, step, describeSocketError(error), error);
    }
    if (this.#peerClosed) {
      return midReply
        ? context.error(DeviceProtocolError, step, `connection closed by the device${midReply}`)
        : context.error(DeviceUnreachableError, step, 'connection closed by the device');
    }
    if (this.#destroyed) return context.error(DeviceError, step, 'connection destroyed by the client');
    return undefined;
  }

  #waitFor<T>(step: string, timeoutMs: number, ready: () => T | undefined, atDeadline: () => T): Promise<T> {
    if (this.#wakeWaiter) throw new Error('LineClient serves one wait at a time');
    const { signal, context } = this.#options;
    return settle<T>(signal, (reason) => context.aborted(step, reason), ({ resolve, reject, deadline, cleanup }) => {
      deadline(timeoutMs, atDeadline);
      const check = (): void => {
        const value = ready();
        if (value !== undefined) return resolve(value);
        const broken = this.#brokenAt(step);
        if (broken) reject(broken);
      };
      this.#wakeWaiter = check;
      cleanup(() => {
        this.#wakeWaiter = undefined;
      });
      check();
    });
  }
}
