import type { IncomingMessage } from 'node:http';
import type { HttpReply } from './faults';

const MAX_BODY_BYTES = 64 * 1024;

export const NOT_FOUND: HttpReply = { status: 404, body: { error: 'not found' } };
export const BODY_TOO_LARGE: HttpReply = { status: 413, body: { error: 'body too large' }, headers: { connection: 'close' } };

export function methodNotAllowed(allowed: string[]): HttpReply {
  return { status: 405, body: { error: 'method not allowed' }, headers: { allow: allowed.join(', ') } };
}

export function requestPath(req: IncomingMessage): string {
  return new URL(req.url ?? '/', 'http://device.invalid').pathname;
}

export type RequestBody = { text: string } | { tooLarge: true };

/** The whole body (reading past the limit without keeping it), or undefined when the client went away. */
export async function readBody(req: IncomingMessage): Promise<RequestBody | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    }
  } catch {
    return undefined;
  }
  return size > MAX_BODY_BYTES ? { tooLarge: true } : { text: Buffer.concat(chunks).toString('utf8') };
}

/** The `power` field of a JSON body when it is exactly "on" or "off". */
export function requestedPower(text: string): 'on' | 'off' | undefined {
  const power = jsonField(text, 'power');
  return power === 'on' || power === 'off' ? power : undefined;
}

/** One field of a JSON object body; undefined when the body is not such an object or lacks it. */
export function jsonField(text: string, name: string): unknown {
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null || !Object.hasOwn(parsed, name)) return undefined;
    return (parsed as Record<string, unknown>)[name];
  } catch {
    return undefined;
  }
}
