/**
 * What the SNMP kinds (a PDU, a network switch) share: the agent on one UDP port, the faults that
 * decide whether and how it answers, MIB-II's system group, and the command log. SNMP has no
 * connections, so such a device's `openConnections` stays 0.
 */
import { createHash } from 'node:crypto';
import { faultSchema, unsupportedFaultReason, type DeviceKind, type Fault } from './config';
import { FaultSwitch, garbageBytes } from './faults';
import { InvalidFaultError, type CommandRecord, type DeviceEventListener } from './simulated-device';
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

export interface SnmpEndpointOptions {
  device: { id: string; kind: DeviceKind };
  host: string;
  port: number;
  /** The maker's IANA enterprise number, for the agent's engine ID. */
  enterprise: number;
  community: string;
  readOnlyCommunity?: string;
  users: readonly SnmpUser[];
  fault: Fault | undefined;
  objects: ManagedObjects;
  /** Whether the device is powered and up to answer at all; faults decide the rest. */
  answers(): boolean;
}

export class SnmpEndpoint {
  readonly commands: CommandRecord[] = [];
  readonly #device: { id: string; kind: DeviceKind };
  readonly #agent: SnmpAgent;
  readonly #faults: FaultSwitch;
  readonly #answers: () => boolean;
  readonly #lateReplies = new Set<NodeJS.Timeout>();
  #observer: DeviceEventListener | undefined;

  constructor(options: SnmpEndpointOptions) {
    this.#device = options.device;
    this.#answers = options.answers;
    // Over UDP a refusing device and a hung one look the same: `refusing` is read per datagram, so nothing needs telling.
    this.#faults = new FaultSwitch(options.fault, () => {});
    const prefix = Buffer.alloc(5);
    prefix.writeUInt32BE((0x8000_0000 | options.enterprise) >>> 0);
    prefix.writeUInt8(OCTETS_FORMAT, 4);
    this.#agent = new SnmpAgent({
      host: options.host,
      port: options.port,
      engineId: Buffer.concat([prefix, createHash('sha256').update(options.device.id).digest().subarray(0, ENGINE_ID_OCTETS)]),
      community: options.community,
      ...(options.readOnlyCommunity !== undefined && { readOnlyCommunity: options.readOnlyCommunity }),
      users: options.users,
      objects: options.objects,
      respond: (answer, send) => this.#respond(answer, send),
    });
  }

  get port(): number {
    return this.#agent.port;
  }

  setFault(fault: Fault | undefined): void {
    const parsed = fault === undefined ? undefined : faultSchema.safeParse(fault);
    if (parsed && !parsed.success) throw new InvalidFaultError(`invalid fault for ${this.#device.id}: ${parsed.error.message}`);
    const reason = unsupportedFaultReason({ kind: this.#device.kind, fault: parsed?.data });
    if (reason) throw new InvalidFaultError(`${this.#device.id}: ${reason}`);
    this.#faults.set(parsed?.data);
  }

  /** The device lost its power: a fault a power cycle clears is gone. */
  powerLost(): void {
    this.#faults.powerLost();
  }

  observe(listener: DeviceEventListener | undefined): void {
    this.#observer = listener;
  }

  record(command: string): void {
    const at = Date.now();
    this.commands.push({ at, command });
    this.#observer?.({ at, device: this.#device.id, type: 'command', command });
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

  /** Faults decide whether the agent reads a request at all: `hang` and `garbage` leave its SET unexecuted. */
  #respond(answer: () => Buffer | undefined, send: (bytes: Buffer) => void): void {
    const fault = this.#faults.current;
    if (!this.#answers() || this.#faults.refusing || fault?.mode === 'hang') return;
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
