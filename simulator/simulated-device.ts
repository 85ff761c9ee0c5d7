import type { Server, Socket } from 'node:net';
import { faultSchema, unsupportedFaultReason, type DeviceKind, type Fault, type ResolvedDeviceConfig } from './config';
import { FaultSwitch } from './faults';
import { DeviceListener } from './listener';
import { PowerCycle, type SettledPower, type SimulatedPower, type TransitionTimes } from './power';

export interface CommandRecord {
  /** Epoch ms. */
  at: number;
  /** e.g. 'POWR 1', 'ERR3 POWR 1', 'PUT power on', 'WOL'. */
  command: string;
}

/**
 * What a device saw, in order, for logs and benchmarks: a TCP connection accepted or closed
 * (numbered per device), or an entry of its command log. Times are epoch ms.
 */
export type DeviceEvent =
  | { at: number; device: string; type: 'connected' | 'disconnected'; connection: number }
  | { at: number; device: string; type: 'command'; command: string };

export type DeviceEventListener = (event: DeviceEvent) => void;

export interface SimulatedDevice {
  readonly id: string;
  readonly kind: DeviceKind;
  /** The IP address the device listens on (the simulator's host unless the device sets its own). */
  readonly host: string;
  /** Bound TCP port (the actual one when configured as 0). For wol: the agent HTTP port. */
  readonly port: number;
  /** wol only: bound UDP port of the magic-packet listener. */
  readonly wolPort?: number;
  readonly power: SimulatedPower;
  /** Test setup: jump straight to a state, no transition. */
  setPower(p: SettledPower): void;
  setFault(f: Fault | undefined): void;
  /** Every state-changing command accepted or rejected, in order. */
  readonly commands: CommandRecord[];
  /** Sockets currently open on the device side. */
  readonly openConnections: number;
  /** Reports every later connection and command to `listener` (one listener; a later call replaces it). */
  observe(listener: DeviceEventListener | undefined): void;
}

export class InvalidFaultError extends Error {
  override readonly name = 'InvalidFaultError';
}

/** A control call (setInput, setVolume, ...) asked for a value the device does not have or take. */
export class InvalidSettingError extends Error {
  override readonly name = 'InvalidSettingError';
}

/**
 * What every kind shares: one TCP/HTTP listener that faults can close, a power cycle and the
 * command log. Subclasses speak the protocol.
 */
export abstract class SimulatedDeviceBase implements SimulatedDevice {
  readonly id: string;
  abstract readonly kind: DeviceKind;
  readonly host: string;
  readonly commands: CommandRecord[] = [];
  protected readonly faults: FaultSwitch;
  protected readonly powerCycle: PowerCycle;
  protected readonly listener: DeviceListener;
  #observer: DeviceEventListener | undefined;
  #connectionsSeen = 0;

  constructor(config: ResolvedDeviceConfig, host: string, times: TransitionTimes) {
    this.id = config.id;
    this.host = host;
    this.faults = new FaultSwitch(config.fault, () => this.updateListener());
    this.powerCycle = new PowerCycle(config.initialPower, times, () => this.onPowerChange());
    this.listener = new DeviceListener({
      host,
      port: config.port,
      createServer: () => this.createServer(),
      onConnection: (socket) => this.#reportConnection(socket),
    });
  }

  get port(): number {
    return this.listener.port;
  }

  get power(): SimulatedPower {
    return this.powerCycle.state;
  }

  get openConnections(): number {
    return this.listener.openConnections;
  }

  observe(listener: DeviceEventListener | undefined): void {
    this.#observer = listener;
  }

  setPower(power: SettledPower): void {
    this.powerCycle.jumpTo(power);
  }

  setFault(fault: Fault | undefined): void {
    const parsed = fault === undefined ? undefined : faultSchema.safeParse(fault);
    if (parsed && !parsed.success) throw new InvalidFaultError(`invalid fault for ${this.id}: ${parsed.error.message}`);
    const reason = unsupportedFaultReason({ ...this.faultContext(), fault: parsed?.data });
    if (reason) throw new InvalidFaultError(`${this.id}: ${reason}`);
    this.faults.set(parsed?.data);
  }

  async start(): Promise<void> {
    await this.listener.start();
    this.updateListener();
  }

  async stop(): Promise<void> {
    this.faults.stop();
    this.powerCycle.stop();
    await this.listener.stop();
  }

  protected record(command: string): void {
    const at = Date.now();
    this.commands.push({ at, command });
    this.#observer?.({ at, device: this.id, type: 'command', command });
  }

  #reportConnection(socket: Socket): void {
    const connection = ++this.#connectionsSeen;
    this.#observer?.({ at: Date.now(), device: this.id, type: 'connected', connection });
    socket.once('close', () => this.#observer?.({ at: Date.now(), device: this.id, type: 'disconnected', connection }));
  }

  /** Whether the TCP side accepts connections now; a kind may add its own conditions. */
  protected acceptsConnections(): boolean {
    return !this.faults.refusing;
  }

  protected updateListener(): void {
    this.listener.setOpen(this.acceptsConnections());
  }

  protected onPowerChange(): void {}

  /** The configuration facts that decide which faults this device can carry. */
  protected faultContext(): { kind: DeviceKind; password?: string } {
    return { kind: this.kind };
  }

  protected abstract createServer(): Server;
}
