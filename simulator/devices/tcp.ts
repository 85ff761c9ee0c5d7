import { createServer, type Server, type Socket } from 'node:net';
import type { ResolvedConfigOf } from '../config';
import { replacesReply, sendLineReply } from '../faults';
import { readLines } from '../line-reader';
import { InvalidSettingError, SimulatedDeviceBase, type SimulatedDevice } from '../simulated-device';

const CRLF = '\r\n';
const MAX_LINE_BYTES = 1024;
const MAX_VOLUME = 100;
/** A volume command whatever its number, so one out of range is still logged as rejected. */
const VOLUME_COMMAND = /^VOLUME (\d+)$/;

/** What a test or the demo can read and change on an amplifier besides its power. */
export interface SimulatedAmplifier extends SimulatedDevice {
  readonly kind: 'tcp';
  /** 0-100. */
  readonly volume: number;
  readonly muted: boolean;
  /** Someone at the amplifier: in any power state, not in the command log; InvalidSettingError outside 0-100. */
  setVolume(volume: number): void;
  setMuted(muted: boolean): void;
}

/**
 * A generic amplifier speaking CRLF lines. `POWER?` -> `POWER ON|OFF`, `VOLUME?` -> `VOLUME 40`,
 * `MUTE?` -> `MUTE ON|OFF`; `POWER ON|OFF`, `VOLUME <0-100>` and `MUTE ON|OFF` -> `OK`, the last
 * two only while on; anything else -> `ERR`. Switches at once; the optional banner greets every
 * connection.
 */
export class TcpLineDevice extends SimulatedDeviceBase implements SimulatedAmplifier {
  readonly kind = 'tcp';
  #volume: number;
  #muted: boolean;

  constructor(
    private readonly config: ResolvedConfigOf<'tcp'>,
    host: string,
  ) {
    super(config, host, { warmingMs: 0, coolingMs: 0 });
    this.#volume = config.initialVolume;
    this.#muted = config.initialMute;
  }

  get volume(): number {
    return this.#volume;
  }

  get muted(): boolean {
    return this.#muted;
  }

  setVolume(volume: number): void {
    if (!Number.isInteger(volume) || volume < 0 || volume > MAX_VOLUME) {
      throw new InvalidSettingError(`${this.id}: volume must be an integer 0-${MAX_VOLUME}, not ${volume}`);
    }
    this.#volume = volume;
  }

  setMuted(muted: boolean): void {
    this.#muted = muted;
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
    if (line === 'VOLUME?') return `VOLUME ${this.#volume}`;
    if (line === 'MUTE?') return this.#muted ? 'MUTE ON' : 'MUTE OFF';
    if (line === 'POWER ON' || line === 'POWER OFF') {
      this.record(line);
      this.powerCycle.switchTo(line === 'POWER ON' ? 'on' : 'off');
      return 'OK';
    }
    if (line === 'MUTE ON' || line === 'MUTE OFF') return this.#whileOn(line, () => (this.#muted = line === 'MUTE ON'));
    const volume = VOLUME_COMMAND.exec(line)?.[1];
    if (volume === undefined) return 'ERR';
    if (Number(volume) > MAX_VOLUME) return this.#reject(line);
    return this.#whileOn(line, () => (this.#volume = Number(volume)));
  }

  /** Settings other than power change only while the amplifier is on. */
  #whileOn(command: string, change: () => void): string {
    if (this.power !== 'on') return this.#reject(command);
    this.record(command);
    change();
    return 'OK';
  }

  #reject(command: string): string {
    this.record(`ERR ${command}`);
    return 'ERR';
  }
}
