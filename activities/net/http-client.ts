import http from 'node:http';
import https from 'node:https';
import {
  DeviceProtocolError,
  DeviceTimeoutError,
  DeviceUnreachableError,
  type DeviceCallContext,
  type DeviceError,
} from '../errors';
import { describeSocketError, errorCode, isReset } from './socket-errors';

export interface HttpExchangeOptions {
  url: URL;
  method: string;
  headers?: Record<string, string>;
  body?: string;
  /** Names the machine, address and elapsed time in every error. */
  context: DeviceCallContext;
  /** The caller's cancellation (the activity's signal). */
  signal: AbortSignal;
  connectTimeoutMs: number;
  /** From the connection being open to the last byte of the body. */
  responseTimeoutMs: number;
  /** Default 64 KiB. */
  maxBodyBytes?: number;
}

export interface HttpReply {
  status: number;
  body: string;
}

const defaultMaxBodyBytes = 64 * 1024;

/**
 * One HTTP request on its own connection (`agent: false`: no pool keeps a socket alive after the
 * call). Any status is a reply; the caller judges it. The request, and with it the socket, is
 * destroyed when the exchange settles, whichever way it settles.
 */
export async function httpExchange(options: HttpExchangeOptions): Promise<HttpReply> {
  const { url, context, signal, connectTimeoutMs, responseTimeoutMs } = options;
  const maxBodyBytes = options.maxBodyBytes ?? defaultMaxBodyBytes;
  const transport = url.protocol === 'https:' ? https : http;
  let step = 'connect';
  let deadline: NodeJS.Timeout | undefined;
  let request: http.ClientRequest | undefined;
  let onAbort: (() => void) | undefined;

  try {
    return await new Promise<HttpReply>((resolve, reject) => {
      const fail = (error: DeviceError): void => reject(error);
      const failOnSocketError = (error: Error, receivedSomething: boolean): void => {
        if (errorCode(error)?.startsWith('HPE_')) {
          fail(context.error(DeviceProtocolError, step, `malformed HTTP response (${errorCode(error)})`, error));
        } else if (receivedSomething && isReset(error)) {
          fail(context.error(DeviceProtocolError, step, 'connection reset mid-reply', error));
        } else {
          fail(context.error(DeviceUnreachableError, step, describeSocketError(error), error));
        }
      };
      const startDeadline = (ms: number, onExpiry: () => DeviceError): void => {
        clearTimeout(deadline);
        deadline = setTimeout(() => fail(onExpiry()), ms);
      };

      onAbort = () => fail(context.aborted(step, signal.reason));
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      startDeadline(connectTimeoutMs, () =>
        context.error(DeviceUnreachableError, step, `no connection within ${connectTimeoutMs} ms`),
      );

      const headers: Record<string, string> = { ...options.headers };
      if (options.body !== undefined) headers['content-length'] = String(Buffer.byteLength(options.body));
      request = transport.request(url, { method: options.method, headers, agent: false });
      request.on('error', (error) => failOnSocketError(error, step === 'read body'));
      request.on('socket', (socket) => {
        const connected = (): void => {
          step = 'await response';
          startDeadline(responseTimeoutMs, () =>
            context.error(DeviceTimeoutError, step, `no complete response within ${responseTimeoutMs} ms`),
          );
        };
        if (socket.connecting) socket.once('connect', connected);
        else connected();
      });
      request.on('response', (response) => {
        step = 'read body';
        const declared = Number(response.headers['content-length']);
        if (declared > maxBodyBytes) {
          return fail(context.error(DeviceProtocolError, step, `body too large: ${declared} bytes declared, cap ${maxBodyBytes}`));
        }
        const chunks: Buffer[] = [];
        let received = 0;
        response.on('data', (chunk: Buffer) => {
          received += chunk.length;
          if (received > maxBodyBytes) {
            fail(context.error(DeviceProtocolError, step, `body too large: more than ${maxBodyBytes} bytes`));
            request?.destroy();
          } else {
            chunks.push(chunk);
          }
        });
        response.on('error', (error) => failOnSocketError(error, true));
        response.on('close', () => {
          if (!response.complete) fail(context.error(DeviceProtocolError, step, 'connection closed mid-body'));
        });
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      });
      request.end(options.body);
    });
  } finally {
    clearTimeout(deadline);
    if (onAbort) signal.removeEventListener('abort', onAbort);
    request?.destroy();
  }
}
