/**
 * One Server-Sent Events response: `event:` and `data:` blocks, gzip-compressed when the client
 * accepts it (a 5,000-machine snapshot is about 1 MB of JSON and under 100 KB gzipped, which
 * matters on a phone), flushed after every event so nothing waits in a buffer.
 */
import { constants as zlib, createGzip, type Gzip } from 'node:zlib';
import type { Request, Response } from 'express';

export interface EventStream {
  /** False once closed: by the client, by close(), or because the client fell too far behind. */
  readonly open: boolean;
  /** `data` is one line of JSON. Ignored once closed. */
  send(event: string, data: string): void;
  close(): void;
}

export interface EventStreamOptions {
  /**
   * A client that does not read (a phone asleep with the tab open) must not make the server
   * buffer without bound: past this many unsent bytes the stream closes, and the board's
   * reconnect fetches a fresh snapshot.
   */
  maxBufferedBytes?: number;
  onClose?: () => void;
}

const DEFAULT_MAX_BUFFERED_BYTES = 8 * 1024 * 1024;

export function openEventStream(req: Request, res: Response, options: EventStreamOptions = {}): EventStream {
  const maxBuffered = options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES;
  const gzip: Gzip | undefined = req.acceptsEncodings('gzip', 'identity') === 'gzip' ? createGzip() : undefined;
  res.status(200).set({
    'Content-Type': 'text/event-stream; charset=utf-8',
    // Reverse proxies (nginx) buffer responses unless told otherwise; an event stream must not wait.
    'X-Accel-Buffering': 'no',
    Vary: 'Accept-Encoding',
  });
  if (gzip) {
    res.set('Content-Encoding', 'gzip');
    gzip.pipe(res);
  }
  res.flushHeaders();

  let open = true;
  const close = () => {
    if (!open) return;
    open = false;
    if (gzip) gzip.end();
    else res.end();
    options.onClose?.();
  };
  // The response closes when the client goes away (a request's own 'close' fires once its body is read).
  res.once('close', close);

  return {
    get open() {
      return open;
    },
    send(event, data) {
      if (!open) return;
      const block = `event: ${event}\ndata: ${data}\n\n`;
      if (gzip) {
        gzip.write(block);
        gzip.flush(zlib.Z_SYNC_FLUSH);
      } else {
        res.write(block);
      }
      if (res.writableLength + (gzip?.writableLength ?? 0) > maxBuffered) close();
    },
    close,
  };
}
