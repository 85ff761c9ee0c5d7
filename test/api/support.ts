import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { Client } from '@temporalio/client';
import { expect } from 'vitest';
import type { z } from 'zod';
import { createApp, type AppDeps } from '../../api/app';
import type { ApiLog } from '../../api/log';
import type { VenueConfig } from '../../config/load';
import type { MachineSpec } from '../../domain/types';
import { machineWorkflowId, runningMachinesQuery } from '../../fleet/machines';
import { syncInventory } from '../../fleet/sync';
import { waitFor } from '../support/wait-for';

export const TOKEN = 'test-token-0123456789abcdef';

/** Keeps test output readable; an unexpected error (a 500) still shows. */
export const quietLog: ApiLog = {
  info: () => undefined,
  warn: () => undefined,
  error: (message, err) => console.error(message, err),
};

export interface ErrorBody {
  error: { code: string; message: string; field?: string };
}

export interface ApiResponse<T> {
  status: number;
  headers: IncomingHttpHeaders;
  /** Parsed JSON; the raw text when the body is not JSON. */
  body: T;
  text: string;
}

export interface CallOptions {
  /** Serialised as JSON with Content-Type application/json. */
  json?: unknown;
  /** Sent as is: for malformed bodies. */
  raw?: string | Buffer;
  headers?: Record<string, string>;
  /** The bearer token; null sends none. Defaults to TOKEN. */
  token?: string | null;
}

export interface ApiUnderTest {
  url: string;
  /** `path` goes on the wire exactly as given: no normalisation of `..` or percent-encoding. */
  call<T = ErrorBody>(method: string, path: string, options?: CallOptions): Promise<ApiResponse<T>>;
  stop(): Promise<void>;
}

/** The real app on 127.0.0.1, port 0; token TOKEN unless deps say otherwise. */
export async function startApi(deps: Omit<AppDeps, 'namespace'> & { namespace?: string }): Promise<ApiUnderTest> {
  const api = createApp({ namespace: 'default', token: TOKEN, log: quietLog, ...deps });
  const { url } = await api.start(0, '127.0.0.1');
  return { url, call: (method, path, options) => call(url, method, path, options), stop: () => api.stop() };
}

/** The answer is what the OpenAPI document says it is: the schema accepts it and knows every field of it. */
export function expectDocumented(schema: z.ZodType, body: unknown): void {
  const parsed = schema.safeParse(body);
  expect(parsed.error).toBeUndefined();
  expect(parsed.data).toEqual(body);
}

/** A venue configuration of these machines, as the API gets it from the venue file: group and venue changes reach its machines. */
export function venueOf(machines: MachineSpec[]): VenueConfig {
  const [first] = machines;
  if (!first) throw new Error('a venue has at least one machine');
  const scenes = [...new Set(machines.flatMap((spec) => Object.keys(spec.aspects?.scenes ?? {})))];
  return { file: 'test venue', venue: { name: 'Test venue', timezone: first.schedule.timezone }, tickMs: first.tickMs, scenes, machines };
}

export function call<T>(url: string, method: string, path: string, options: CallOptions = {}): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { ...options.headers };
  const token = options.token === undefined ? TOKEN : options.token;
  if (token !== null) headers.authorization ??= `Bearer ${token}`;
  let payload = options.raw;
  if (options.json !== undefined) {
    payload = JSON.stringify(options.json);
    headers['content-type'] ??= 'application/json';
  }
  if (payload !== undefined) headers['content-length'] = String(Buffer.byteLength(payload));
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: hostname, port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {
          // Left as text: the test asserting JSON will say so.
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: body as T, text });
      });
    });
    req.on('error', reject);
    req.end(payload);
  });
}

/**
 * Starts machine workflows the way production does (inventory sync, so each start replaces the
 * set running on the task queue, like a new venue file) and terminates them after the test.
 */
export function machineFleet(client: Client, taskQueue: string) {
  const started = new Set<string>();
  return {
    async start(specs: MachineSpec[]): Promise<void> {
      for (const spec of specs) started.add(spec.id);
      await syncInventory(client, { taskQueue, machines: specs });
    },
    async terminateAll(): Promise<void> {
      const ids = [...started];
      started.clear();
      await Promise.allSettled(ids.map((id) => client.workflow.getHandle(machineWorkflowId(id)).terminate('test finished')));
      // The next start syncs from visibility: it must not see these as running and try to retire them.
      await waitFor('terminated machines to leave visibility', async () => (await client.workflow.count(runningMachinesQuery(taskQueue))).count === 0);
    },
  };
}
