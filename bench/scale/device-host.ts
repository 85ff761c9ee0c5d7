/**
 * The devices of the scale benchmark: healthy media players speaking the simulator's
 * http-player protocol (`GET /api/v1/power` -> `{"power":"on"}`, `PUT` with `{"power":"on"|"off"}`),
 * all behind one loopback listener. The simulator's devices log only state changes, not probes,
 * so they cannot say when a check arrived; this host timestamps every request instead.
 *
 * A machine's base URL is `http://127.0.0.1:<port>/<loop>/<machineId>`, so each request names
 * the loop that sent it (ours, the minimal Temporal loop, the plain Node loop) and the machine.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

const POWER_PATH = /^\/([a-z]+)\/([^/]+)\/api\/v1\/power$/;
const MAX_BODY_BYTES = 1024;

export interface RecordedArrivals {
  /** Machine ids, parallel to `atMs`. */
  machineIds: string[];
  atMs: number[];
  /** Power commands received: a healthy run sends none. */
  commands: number;
}

export interface DeviceHost {
  port: number;
  baseUrl(loop: string, machineId: string): string;
  /** Hands over what a loop's devices recorded so far and forgets it. */
  takeArrivals(loop: string): RecordedArrivals;
  stop(): Promise<void>;
}

export async function startDeviceHost(host = '127.0.0.1'): Promise<DeviceHost> {
  const recordsByLoop = new Map<string, RecordedArrivals>();
  const powerByDevice = new Map<string, 'on' | 'off'>();
  const sockets = new Set<Socket>();

  const recordsOf = (loop: string): RecordedArrivals => {
    let records = recordsByLoop.get(loop);
    if (!records) recordsByLoop.set(loop, (records = { machineIds: [], atMs: [], commands: 0 }));
    return records;
  };

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const arrivedAtMs = Date.now();
    const match = POWER_PATH.exec(req.url ?? '');
    if (!match) return reply(res, 404, { error: 'not found' });
    const [, loop, machineId] = match as unknown as [string, string, string];
    const device = `${loop}/${machineId}`;
    const records = recordsOf(loop);
    records.machineIds.push(machineId);
    records.atMs.push(arrivedAtMs);
    if (req.method === 'GET') return reply(res, 200, { power: powerByDevice.get(device) ?? 'on' });
    if (req.method !== 'PUT') return reply(res, 405, { error: 'method not allowed' });
    records.commands++;
    void readSmallBody(req).then((text) => {
      const power = requestedPower(text);
      if (!power) return reply(res, 400, { error: 'expected {"power":"on"|"off"}' });
      powerByDevice.set(device, power);
      reply(res, 200, { ok: true });
    });
  };

  const server: Server = createServer(handle);
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port: 0, backlog: 4096 }, () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error(`unexpected listen address ${String(address)}`);

  let stopped: Promise<void> | undefined;
  return {
    port: address.port,
    baseUrl: (loop, machineId) => `http://${host}:${address.port}/${loop}/${machineId}`,
    takeArrivals(loop) {
      const records = recordsOf(loop);
      recordsByLoop.delete(loop);
      return records;
    },
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
      return stopped;
    },
  };
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

async function readSmallBody(req: IncomingMessage): Promise<string> {
  let text = '';
  try {
    for await (const chunk of req as AsyncIterable<Buffer>) {
      text += chunk.toString('utf8');
      if (text.length > MAX_BODY_BYTES) return '';
    }
  } catch {
    return '';
  }
  return text;
}

function requestedPower(text: string): 'on' | 'off' | undefined {
  try {
    const power: unknown = (JSON.parse(text) as { power?: unknown }).power;
    return power === 'on' || power === 'off' ? power : undefined;
  } catch {
    return undefined;
  }
}
