import { createHash } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { connect, type Socket } from 'node:net';
import { startSimulator, type DeviceConfig, type DeviceKind, type SimulatedDeviceOfKind, type Simulator } from '../../simulator/index';

const HOST = '127.0.0.1';
const DEFAULT_WAIT_MS = 1000;

const openPeers = new Set<Peer>();
const runningSimulators = new Set<Simulator>();

/** For afterEach: destroys every peer and stops every simulator the test started. */
export async function cleanUp(): Promise<void> {
  await Promise.all([...openPeers].map((peer) => peer.destroy()));
  await Promise.all([...runningSimulators].map((simulator) => simulator.stop()));
  runningSimulators.clear();
}

/** The device comes with its kind's control API (setInput, setVolume, ...). */
export async function startDevice<K extends DeviceKind>(
  config: DeviceConfig & { kind: K },
): Promise<{ simulator: Simulator; device: SimulatedDeviceOfKind[K] }> {
  const simulator = await startSimulator({ devices: [config] });
  runningSimulators.add(simulator);
  return { simulator, device: simulator.device(config.id, config.kind) };
}

export async function startDevices(devices: DeviceConfig[]): Promise<Simulator> {
  const simulator = await startSimulator({ devices });
  runningSimulators.add(simulator);
  return simulator;
}

/** A raw TCP client that records everything it receives, with deadlines on every wait. */
export class Peer {
  #received = Buffer.alloc(0);
  #closed = false;
  #errorCode: string | undefined;
  #wake: () => void = () => {};

  private constructor(readonly socket: Socket) {
    openPeers.add(this);
    socket.on('data', (chunk: Buffer) => {
      this.#received = Buffer.concat([this.#received, chunk]);
      this.#wake();
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      this.#errorCode = error.code;
      this.#wake();
    });
    socket.on('close', () => {
      this.#closed = true;
      openPeers.delete(this);
      this.#wake();
    });
  }

  static connect(port: number, host = HOST): Promise<Peer> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host, port });
      socket.once('error', reject);
      socket.once('connect', () => {
        socket.off('error', reject);
        resolve(new Peer(socket));
      });
    });
  }

  /** Bytes received and not yet taken by nextLine(). */
  get received(): Buffer {
    return this.#received;
  }

  get closed(): boolean {
    return this.#closed;
  }

  get errorCode(): string | undefined {
    return this.#errorCode;
  }

  send(text: string): void {
    this.socket.write(text);
  }

  async nextLine(terminator: string, timeoutMs = DEFAULT_WAIT_MS): Promise<string> {
    await this.until(() => this.#received.includes(terminator), timeoutMs, `a line ending ${JSON.stringify(terminator)}`);
    const end = this.#received.indexOf(terminator);
    const line = this.#received.subarray(0, end).toString('latin1');
    this.#received = this.#received.subarray(end + terminator.length);
    return line;
  }

  waitForClose(timeoutMs = DEFAULT_WAIT_MS): Promise<void> {
    return this.until(() => this.#closed, timeoutMs, 'the connection to close');
  }

  /** Sends a command and returns the reply line. */
  async ask(command: string, terminator: string, timeoutMs = DEFAULT_WAIT_MS): Promise<string> {
    this.send(command + terminator);
    return this.nextLine(terminator, timeoutMs);
  }

  async until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new Error(`timed out waiting for ${what}; received ${JSON.stringify(this.#received.toString('latin1').slice(0, 200))}, closed=${this.#closed}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  destroy(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.socket.destroy();
    return this.waitForClose();
  }
}

/** A PJLink connection and the device's greeting line (`PJLINK 0`, or `PJLINK 1 <random>`). */
export async function greeted(port: number): Promise<{ peer: Peer; greeting: string }> {
  const peer = await Peer.connect(port);
  return { peer, greeting: await peer.nextLine('\r') };
}

/** What a PJLink client puts before its first command when the greeting asks for a password. */
export function pjlinkDigest(random: string, password: string): string {
  return createHash('md5').update(random + password).digest('hex');
}

/** The error code of a connection attempt, or 'connected' (and the connection is closed again). */
export function connectOutcome(port: number, host = HOST): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
  });
}

export function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Retries the assertion until it passes or the time is up; then its last failure is thrown. */
export async function eventually(assertion: () => unknown, timeoutMs = DEFAULT_WAIT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await assertion();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await pause(10);
    }
  }
}

export function magicPacket(mac: string, secureOnBytes = 0): Buffer {
  const macBytes = Buffer.from(mac.replaceAll(':', ''), 'hex');
  return Buffer.concat([Buffer.alloc(6, 0xff), ...Array.from({ length: 16 }, () => macBytes), Buffer.alloc(secureOnBytes, 0x42)]);
}

export async function sendDatagram(port: number, payload: Buffer): Promise<void> {
  const socket = createSocket('udp4');
  try {
    await new Promise<void>((resolve, reject) => socket.send(payload, port, HOST, (error) => (error ? reject(error) : resolve())));
  } finally {
    await new Promise<void>((resolve) => socket.close(() => resolve()));
  }
}

export function url(port: number, path: string): string {
  return `http://${HOST}:${port}${path}`;
}
