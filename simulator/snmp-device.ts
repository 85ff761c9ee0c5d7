/**
 * What the SNMP kinds (a PDU, a network switch) share: the agent on one UDP port, the faults that
 * decide whether and how it answers, MIB-II's system group, and the command log. SNMP has no
 * connections, so such a device's `openConnections` stays 0.
 */
import { createHash } from 'node:crypto';
import { faultSchema, unsupportedFaultReason, type DeviceKind, type Fault } from './config';
import { FaultSwitch, garbageBytes } from './faults';
import type { SettledPower, SimulatedPower } from './power';
import { InvalidFaultError, type CommandRecord, type DeviceEventListener, type RunnableDevice } from './simulated-device';
import { SnmpAgent, type SnmpUser } from './snmp/agent';
import { parseOid, type ManagedObjects, type ManagedScalar } from './snmp/mib';
import type { SnmpValue } from './snmp/pdu';

const SYSTEM = parseOid('1.3.6.1.2.1.1');
const SYS_DESCR = 1;
const SYS_UP_TIME = 3;
const SYS_NAME = 5;
/** RFC 3411 snmpEngineID, "octets" format (5): the maker's enterprise number with the first bit set, then the format. */
const OCTETS_FORMAT = 5;
const ENGINE_ID_OCTETS = 8;

/** What an SNMP kind's configuration gives its agent. */
export interface SnmpDeviceConfig {
  id: string;
  port: number;
  fault?: Fault | undefined;
  community: string;
  readOnlyCommunity?: string | undefined;
  users: readonly SnmpUser[];
}

/**
 * A device whose protocol is SNMP. A kind gives its managed objects and says when it is up to
 * answer at all; faults decide the rest.
 */
export abstract class SnmpDevice implements RunnableDevice {
  abstract readonly kind: DeviceKind;
  abstract readonly power: SimulatedPower;
  readonly id: string;
  readonly host: string;
  readonly commands: CommandRecord[] = [];
  readonly openConnections = 0;
  readonly #agent: SnmpAgent;
  readonly #faults: FaultSwitch;
  readonly #lateReplies = new Set<NodeJS.Timeout>();
  #observer: DeviceEventListener | undefined;

  /** `enterprise`: the maker's IANA enterprise number, for the agent's engine ID. */
  constructor(config: SnmpDeviceConfig, host: string, enterprise: number) {
    this.id = config.id;
    this.host = host;
    // Over UDP a refusing device and a hung one look the same: `refusing` is read per datagram, so nothing needs telling.
    this.#faults = new FaultSwitch(config.fault, () => {});
    const prefix = Buffer.alloc(5);
    prefix.writeUInt32BE((0x8000_0000 | enterprise) >>> 0);
    prefix.writeUInt8(OCTETS_FORMAT, 4);
    // The kind's objects exist once its constructor has run; the agent reads them only when asked.
    const objects: ManagedObjects = {
      get: (oid) => this.objects.get(oid),
      next: (oid) => this.objects.next(oid),
      set: (oid, value) => this.objects.set(oid, value),
    };
    this.#agent = new SnmpAgent({
      host,
      port: config.port,
      engineId: Buffer.concat([prefix, createHash('sha256').update(config.id).digest().subarray(0, ENGINE_ID_OCTETS)]),
      community: config.community,
      ...(config.readOnlyCommunity !== undefined && { readOnlyCommunity: config.readOnlyCommunity }),
      users: config.users,
      objects,
      respond: (answer, send) => this.#respond(answer, send),
    });
  }

  get port(): number {
    return this.#agent.port;
  }

  abstract setPower(power: SettledPower): void;

  setFault(fault: Fault | undefined): void {
    const parsed = fault === undefined ? undefined : faultSchema.safeParse(fault);
    if (parsed && !parsed.success) throw new InvalidFaultError(`invalid fault for ${this.id}: ${parsed.error.message}`);
    const reason = unsupportedFaultReason({ kind: this.kind, fault: parsed?.data });
    if (reason) throw new InvalidFaultError(`${this.id}: ${reason}`);
    this.#faults.set(parsed?.data);
  }

  observe(listener: DeviceEventListener | undefined): void {
    this.#observer = listener;
  }

  start(): Promise<void> {
    return this.#agent.start();
  }

  async stop(): Promise<void> {
    this.#faults.stop();
    for (const timer of this.#lateReplies) clearTimeout(timer);
    this.#lateReplies.clear();
    await this.#agent.stop();
  }

  protected abstract readonly objects: ManagedObjects;

  /** Whether the device is powered and up to answer at all. */
  protected abstract answers(): boolean;

  /** The device lost its power: a fault a power cycle clears is gone. */
  protected powerLost(): void {
    this.#faults.powerLost();
  }

  protected record(command: string): void {
    const at = Date.now();
    this.commands.push({ at, command });
    this.#observer?.({ at, device: this.id, type: 'command', command });
  }

  /** Faults decide whether the agent reads a request at all: `hang` and `garbage` leave its SET unexecuted. */
  #respond(answer: () => Buffer | undefined, send: (bytes: Buffer) => void): void {
    const fault = this.#faults.current;
    if (!this.answers() || this.#faults.refusing || fault?.mode === 'hang') return;
    if (fault?.mode === 'garbage') return send(garbageBytes());
    const reply = answer();
    if (!reply) return;
    if (fault?.mode !== 'slow') return send(reply);
    const timer = setTimeout(() => {
      this.#lateReplies.delete(timer);
      send(reply);
    }, fault.delayMs);
    timer.unref();
    this.#lateReplies.add(timer);
  }
}

/** MIB-II's system group as these devices fill it (RFC 1213): sysDescr, sysUpTime since the last power-up, sysName. */
export function systemGroup(system: { description: () => string; name: string; upSinceMs: () => number }): ManagedScalar[] {
  const text = (value: string): SnmpValue => ({ type: 'octets', value: Buffer.from(value) });
  return [
    { oid: [...SYSTEM, SYS_DESCR], read: () => text(system.description()) },
    { oid: [...SYSTEM, SYS_UP_TIME], read: () => ({ type: 'timeTicks', value: Math.floor((Date.now() - system.upSinceMs()) / 10) }) },
    { oid: [...SYSTEM, SYS_NAME], read: () => text(system.name) },
  ];
}
