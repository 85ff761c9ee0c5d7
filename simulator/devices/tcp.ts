import { createServer, type Server, type Socket } from 'node:net';
import type { ResolvedConfigOf } from '../config';
import { replacesReply, sendLineReply } from '../faults';
import { readLines } from '../line-reader';
import { SimulatedDeviceBase } from '../simulated-device';

const CRLF = '\r\n';
const MAX_LINE_BYTES = 1024;

/**
 * A generic amplifier speaking CRLF lines: `POWER?` -> `POWER ON|OFF`, `POWER ON|OFF` -> `OK`,
 * anything else -> `ERR`. Switches at once; the optional banner greets every connection.
 */
export class TcpLineDevice extends SimulatedDeviceBase {
  readonly kind = 'tcp';

  constructor(
    private readonly config: ResolvedConfigOf<'tcp'>,
    host: string,
  ) {
    super(config, host, { warmingMs: 0, coolingMs: 0 });
  }

  protected createServer(): Server {
    return createServer((socket) => this.#serve(socket));
  }

  #serve(socket: Socket): void {
    if (this.config.banner !== undefined) this.#send(socket, this.config.banner);
    readLines(socket, {
      terminator: CRLF,
      maxLineBytes: () => MAX_LINE_BYTES,
      onLine: (line) => this.#send(socket, replacesReply(this.faults.current) ? '' : this.#execute(line)),
      onOverflow: () => socket.destroy(),
    });
  }

  #send(socket: Socket, text: string): void {
    sendLineReply(socket, { text, terminator: CRLF }, this.faults.current);
  }

  #execute(line: string): string {
    if (line === 'POWER?') return this.power === 'on' ? 'POWER ON' : 'POWER OFF';
    if (line !== 'POWER ON' && line !== 'POWER OFF') return 'ERR';
    this.record(line);
    this.powerCycle.switchTo(line === 'POWER ON' ? 'on' : 'off');
    return 'OK';
  }
}
