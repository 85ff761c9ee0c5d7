import type { Socket } from 'node:net';

export interface LineReaderOptions {
  terminator: string;
  /** Longest line accepted, terminator excluded; asked per line because it can depend on the session. */
  maxLineBytes: () => number;
  onLine: (line: string) => void;
  /** A line grew past the limit; nothing more is read from this socket. */
  onOverflow: () => void;
}

/** Splits what the socket receives into lines; bytes are taken as latin1 so lengths count bytes. */
export function readLines(socket: Socket, options: LineReaderOptions): void {
  let pending = '';
  let overflowed = false;
  socket.on('data', (chunk: Buffer) => {
    if (overflowed || !socket.writable) return;
    pending += chunk.toString('latin1');
    let end: number;
    while ((end = pending.indexOf(options.terminator)) >= 0) {
      const line = pending.slice(0, end);
      pending = pending.slice(end + options.terminator.length);
      if (line.length > options.maxLineBytes()) return overflow();
      options.onLine(line);
      if (socket.destroyed || !socket.writable) return;
    }
    if (pending.length > options.maxLineBytes()) overflow();
  });

  function overflow(): void {
    overflowed = true;
    pending = '';
    options.onOverflow();
  }
}
