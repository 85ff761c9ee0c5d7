import type { Server, Socket } from 'node:net';

export interface ListenerOptions {
  host: string;
  /** 0 lets the OS choose; the chosen port is kept for every re-listen. */
  port: number;
  /** A fresh server per listen, so a closed one can finish draining while its successor accepts. */
  createServer: () => Server;
  /** Runs for every accepted socket, after the device's own connection handler. */
  onConnection?: (socket: Socket) => void;
}

const RELISTEN_RETRY_MS = 50;

/**
 * A TCP port a device can stop and resume accepting on, the way a device that is off or
 * unreachable refuses connections. Tracks every accepted socket so stop() can end them.
 */
export class DeviceListener {
  #port: number;
  #server: Server | undefined;
  #wantOpen = false;
  #started = false;
  #stopped = false;
  #retry: NodeJS.Timeout | undefined;
  readonly #sockets = new Set<Socket>();
  readonly #closingServers = new Set<Promise<void>>();

  constructor(private readonly options: ListenerOptions) {
    this.#port = options.port;
  }

  get port(): number {
    return this.#port;
  }

  get openConnections(): number {
    return this.#sockets.size;
  }

  /**
   * Binds to settle the port (the actual one when configured as 0) and stays open; setOpen()
   * calls before this are ignored. Rejects when the port cannot be bound.
   */
  async start(): Promise<void> {
    const server = this.#createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: this.options.host, port: this.#port }, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const address = server.address();
    if (address && typeof address === 'object') this.#port = address.port;
    this.#server = server;
    this.#wantOpen = true;
    this.#started = true;
  }

  /** Closing refuses new connections and leaves established ones alone. */
  setOpen(open: boolean): void {
    if (!this.#started || this.#stopped || open === this.#wantOpen) return;
    this.#wantOpen = open;
    if (open) this.#listen();
    else this.#closeServer();
  }

  destroyConnections(): void {
    for (const socket of this.#sockets) socket.destroy();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#wantOpen = false;
    clearTimeout(this.#retry);
    this.#closeServer();
    const socketsClosed = [...this.#sockets].map((socket) => {
      const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
      socket.destroy();
      return closed;
    });
    await Promise.all([...socketsClosed, ...this.#closingServers]);
  }

  #createServer(): Server {
    const server = this.options.createServer();
    // Accept errors (EMFILE and the like) cost one connection; the device keeps listening.
    server.on('error', () => {});
    server.on('connection', (socket: Socket) => {
      this.#sockets.add(socket);
      socket.once('close', () => this.#sockets.delete(socket));
      // Clients reset and vanish all the time; that is their business, not a simulator crash.
      socket.on('error', () => {});
      this.options.onConnection?.(socket);
    });
    return server;
  }

  #listen(): void {
    clearTimeout(this.#retry);
    const server = this.#createServer();
    this.#server = server;
    server.on('error', () => {
      // Someone grabbed the port between close and re-listen (an outgoing connection can): try again.
      if (this.#server !== server || server.listening) return;
      this.#server = undefined;
      if (!this.#wantOpen) return;
      this.#retry = setTimeout(() => this.#listen(), RELISTEN_RETRY_MS);
      this.#retry.unref();
    });
    server.listen({ host: this.options.host, port: this.#port });
  }

  #closeServer(): void {
    clearTimeout(this.#retry);
    const server = this.#server;
    if (!server) return;
    this.#server = undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    this.#closingServers.add(closed);
    void closed.then(() => this.#closingServers.delete(closed));
  }
}
