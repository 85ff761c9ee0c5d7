import http from 'node:http';
import https from 'node:https';
import { DeviceProtocolError, DeviceTimeoutError, DeviceUnreachableError, type DeviceCallContext } from '../errors';
import { settle } from './settle';
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
export function httpExchange(options: HttpExchangeOptions): Promise<HttpReply> {
  const { url, context, signal, connectTimeoutMs, responseTimeoutMs } = options;
  const maxBodyBytes = options.maxBodyBytes ?? defaultMaxBodyBytes;
  const transport = url.protocol === 'https:' ? https : http;
  let step = 'connect';

  return settle<HttpReply>(signal, (reason) => context.aborted(step, reason), ({ resolve, reject, deadline, cleanup }) => {
    const failOnSocketError = (error: Error, receivedSomething: boolean): void => {
      if (errorCode(error)?.startsWith('HPE_')) {
        reject(context.error(DeviceProtocolError, step, `malformed HTTP response (${errorCode(error)})`, error));
      } else if (receivedSomething && isReset(error)) {
        reject(context.error(DeviceProtocolError, step, 'connection reset mid-reply', error));
      } else {
        reject(context.error(DeviceUnreachableError, step, describeSocketError(error), error));
      }
    };

    deadline(connectTimeoutMs, () => {
      throw context.error(DeviceUnreachableError, step, `no connection within ${connectTimeoutMs} ms`);
    });

    const headers: Record<string, string> = { ...options.headers };
    if (options.body !== undefined) headers['content-length'] = String(Buffer.byteLength(options.body));
    const request = transport.request(url, { method: options.method, headers, agent: false });
    cleanup(() => request.destroy());
    request.on('error', (error) => failOnSocketError(error, step === 'read body'));
    request.on('socket', (socket) => {
      const connected = (): void => {
        step = 'await response';
        deadline(responseTimeoutMs, () => {
          throw context.error(DeviceTimeoutError, step, `no complete response within ${responseTimeoutMs} ms`);
        });
      };
      if (socket.connecting) socket.once('connect', connected);
      else connected();
    });
    request.on('response', (response) => {
      step = 'read body';
      const declared = Number(response.headers['content-length']);
      if (declared > maxBodyBytes) {
        return reject(context.error(DeviceProtocolError, step, `body too large: ${declared} bytes declared, cap ${maxBodyBytes}`));
      }
      const chunks: Buffer[] = [];
      let received = 0;
      response.on('data', (chunk: Buffer) => {
        received += chunk.length;
        if (received > maxBodyBytes) {
          reject(context.error(DeviceProtocolError, step, `body too large: more than ${maxBodyBytes} bytes`));
        } else {
          chunks.push(chunk);
        }
      });
      response.on('error', (error) => failOnSocketError(error, true));
      response.on('close', () => {
        if (!response.complete) reject(context.error(DeviceProtocolError, step, 'connection closed mid-body'));
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    request.end(options.body);
  });
}
