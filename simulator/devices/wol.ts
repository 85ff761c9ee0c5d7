import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { isIPv6, type Server } from 'node:net';
import type { ResolvedConfigOf } from '../config';
import { replacesReply, sendHttpReply, type HttpReply } from '../faults';
import { NOT_FOUND, methodNotAllowed, requestPath } from '../json-http';
import { SimulatedDeviceBase } from '../simulated-device';

const SYNC_BYTES = 6;
const MAC_REPEATS = 16;
const MAGIC_PACKET_BYTES = SYNC_BYTES + MAC_REPEATS * 6;
const SECUREON_BYTES = [0, 4, 6];

/**
 * A PC woken by a Wake-on-LAN magic packet and shut down through an HTTP agent. The agent only
 * exists while the OS runs: the port refuses connections while the PC is off or booting, and
 * connections die when it powers off.
 */
export class WolPcDevice extends SimulatedDeviceBase {
  readonly kind = 'wol';
  readonly #mac: Buffer;
  #wolPort: number;
  #magicPacketListener: UdpSocket | undefined;

  constructor(
    config: ResolvedConfigOf<'wol'>,
    host: string,
  ) {
    super(config, host, { warmingMs: config.bootMs, coolingMs: config.shutdownMs });
    this.#mac = Buffer.from(config.mac.replaceAll(':', ''), 'hex');
    this.#wolPort = config.wolPort;
  }

  get wolPort(): number {
    return this.#wolPort;
  }

  override async start(): Promise<void> {
    await super.start();
    const socket = createSocket(isIPv6(this.host) ? 'udp6' : 'udp4');
    this.#magicPacketListener = socket;
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind({ address: this.host, port: this.#wolPort }, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    // Datagram errors (a full buffer) lose a packet, as on a real network.
    socket.on('error', () => {});
    socket.on('message', (packet) => this.#onPacket(packet));
    this.#wolPort = socket.address().port;
  }

  override async stop(): Promise<void> {
    const socket = this.#magicPacketListener;
    this.#magicPacketListener = undefined;
    const udpClosed = new Promise<void>((resolve) => {
      if (!socket) return resolve();
      socket.close(() => resolve());
    });
    await Promise.all([super.stop(), udpClosed]);
  }

  protected override acceptsConnections(): boolean {
    return super.acceptsConnections() && (this.power === 'on' || this.power === 'cooling');
  }

  protected override onPowerChange(): void {
    this.updateListener();
    if (this.power === 'off') this.listener.destroyConnections();
  }

  /** A PC back on mains stays off until woken (no "restore on AC power loss" in its firmware). */
  protected override powersUpOn(): boolean {
    return false;
  }

  protected createServer(): Server {
    return createServer((req, res) => this.#handle(req, res));
  }

  #onPacket(packet: Buffer): void {
    // Without mains the NIC has no standby power to listen with.
    if (!this.hasMains || !isMagicPacketFor(packet, this.#mac)) return;
    // The OS is going down and the NIC is not armed for wake-up yet: the packet is lost.
    if (this.power === 'cooling') return this.record('IGNORED WOL');
    this.record('WOL');
    this.powerCycle.switchTo('on');
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    const fault = this.faults.current;
    if (replacesReply(fault)) return sendHttpReply(res, NOT_FOUND, fault);
    sendHttpReply(res, this.#route(req, res), fault);
  }

  #route(req: IncomingMessage, res: ServerResponse): HttpReply {
    const path = requestPath(req);
    if (path === '/status') {
      if (req.method !== 'GET') return methodNotAllowed(['GET']);
      return { status: 200, body: { power: this.power === 'cooling' ? 'shutting-down' : 'on' } };
    }
    if (path === '/shutdown') {
      if (req.method !== 'POST') return methodNotAllowed(['POST']);
      this.record('POST shutdown');
      // Only once the reply is out: with shutdownMs 0 the PC would otherwise die before answering.
      res.once('close', () => this.powerCycle.switchTo('off'));
      return { status: 202, body: { ok: true } };
    }
    return NOT_FOUND;
  }
}

/** 6 x 0xFF, then the MAC 16 times, then an optional 4- or 6-byte SecureOn password. */
function isMagicPacketFor(packet: Buffer, mac: Buffer): boolean {
  if (!SECUREON_BYTES.includes(packet.length - MAGIC_PACKET_BYTES)) return false;
  if (!packet.subarray(0, SYNC_BYTES).every((byte) => byte === 0xff)) return false;
  for (let repeat = 0; repeat < MAC_REPEATS; repeat++) {
    const start = SYNC_BYTES + repeat * mac.length;
    if (!packet.subarray(start, start + mac.length).equals(mac)) return false;
  }
  return true;
}
