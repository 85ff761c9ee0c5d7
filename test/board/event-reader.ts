/** Reads the board's event stream (GET /board/events) the way the page does, for tests without a browser. */
import { request, type IncomingHttpHeaders } from 'node:http';
import { createGunzip } from 'node:zlib';
import type { ChangesEvent, SnapshotEvent } from '../../api/board/feed';
import type { MachineSummary } from '../../api/response-schemas';
import { waitFor } from '../support/wait-for';

export interface BoardEvent {
  type: string;
  data: unknown;
}

export interface EventReader {
  status: number;
  headers: IncomingHttpHeaders;
  events: BoardEvent[];
  /** The machines as the page would hold them after the events so far. */
  machines: Map<string, MachineSummary>;
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  /** Waits until `probe` over the machines returns a value. */
  until<T>(what: string, probe: (machines: Map<string, MachineSummary>) => T | undefined | false, timeoutMs?: number): Promise<T>;
  close(): void;
}

export function readEvents(url: string, headers: Record<string, string> = {}): Promise<EventReader> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ host: hostname, port, path: '/board/events', headers }, (res) => {
      const events: BoardEvent[] = [];
      const machines = new Map<string, MachineSummary>();
      const ended = new Promise<void>((done) => res.once('close', () => done()));
      const body = res.headers['content-encoding'] === 'gzip' ? res.pipe(createGunzip()) : res;
      let buffer = '';
      body.on('data', (chunk: Buffer) => {
        buffer += chunk.toString('utf8');
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const type = /^event: (.*)$/m.exec(block)?.[1] ?? 'message';
          const data = JSON.parse(/^data: (.*)$/m.exec(block)?.[1] ?? 'null') as unknown;
          events.push({ type, data });
          apply(machines, type, data);
        }
      });
      body.on('error', () => undefined);
      resolve({
        status: res.statusCode ?? 0,
        headers: res.headers,
        events,
        machines,
        ended,
        until: (what, probe, timeoutMs = 20_000) => waitFor(what, () => probe(machines), timeoutMs),
        close: () => req.destroy(),
      });
    });
    req.on('error', reject);
    req.end();
  });
}

function apply(machines: Map<string, MachineSummary>, type: string, data: unknown): void {
  if (type === 'snapshot') {
    machines.clear();
    for (const machine of (data as SnapshotEvent).machines) machines.set(machine.id, machine);
  } else if (type === 'changes') {
    const changes = data as ChangesEvent;
    for (const id of changes.removed) machines.delete(id);
    for (const machine of changes.upserts) machines.set(machine.id, machine);
  }
}
