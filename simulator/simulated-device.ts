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

/** What the simulator starts and stops, whichever transport the device speaks. */
export interface RunnableDevice extends SimulatedDevice {
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** A device a PDU outlet feeds: without mains it is off and answers nothing. */
export interface MainsPowered {
  readonly id: string;
  /** `record` false for the wiring at start, which is no event. */
  setMains(on: boolean, record?: boolean): void;
}

export function isMainsPowered(device: RunnableDevice): device is RunnableDevice & MainsPowered {
  return 'setMains' in device;
}

export class InvalidFaultError extends Error {
  override readonly name = 'InvalidFaultError';
}

/** A control call (setInput, setVolume, ...) asked for a value the device does not have or take. */
export class InvalidSettingError extends Error {
  override readonly name = 'InvalidSettingError';
}

/**
 * What every TCP kind shares: one TCP/HTTP listener that faults can close, a power cycle, mains
 * power from a PDU outlet and the command log. Subclasses speak the protocol.
 *
 * Without mains a device is off and its port refuses connections (those open are destroyed): on a
 * venue network a dead device would rather let them time out, and a driver must take either as
 * unreachable. When mains return it starts as it does when the simulator starts (`initialPower`),
 * unless its kind says otherwise (`powersUpOn`), and takes its boot or warm-up time to get there.
 */
export abstract class SimulatedDeviceBase implements RunnableDevice, MainsPowered {
  readonly id: string;
  abstract readonly kind: DeviceKind;
  readonly host: string;
  readonly commands: CommandRecord[] = [];
  protected readonly faults: FaultSwitch;
  protected readonly powerCycle: PowerCycle;
  protected readonly listener: DeviceListener;
  readonly #initialPower: SettledPower;
  #observer: DeviceEventListener | undefined;
  #connectionsSeen = 0;
  #mains = true;

  constructor(config: ResolvedDeviceConfig, host: string, times: TransitionTimes) {
    this.id = config.id;
    this.host = host;
    this.#initialPower = config.initialPower;
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

  /** Logged as `MAINS OFF` / `MAINS ON`, so the event log shows an outlet's effect after the PDU's command. */
  setMains(on: boolean, record = true): void {
    if (on === this.#mains) return;
    this.#mains = on;
    if (record) this.record(on ? 'MAINS ON' : 'MAINS OFF');
    if (!on) this.faults.powerLost();
    this.powerCycle.jumpTo('off');
    if (on && this.powersUpOn()) this.powerCycle.switchTo('on');
    this.updateListener();
    if (!on) this.listener.destroyConnections();
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

  protected get hasMains(): boolean {
    return this.#mains;
  }

  /** Whether the TCP side accepts connections now; a kind may add its own conditions. */
  protected acceptsConnections(): boolean {
    return this.#mains && !this.faults.refusing;
  }

  /** Whether the device switches itself on when mains return: as configured to start, unless its kind overrides. */
  protected powersUpOn(): boolean {
    return this.#initialPower === 'on';
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
