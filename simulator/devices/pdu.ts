/**
 * A switched rack PDU (APC AP79xx-like) answering SNMP on its UDP port, whose outlets feed other
 * simulated devices: an outlet switched off takes the mains from the device plugged into it.
 *
 * The outlet objects come from APC's PowerNet MIB, as published (mib-explorer.com, OID
 * 1.3.6.1.4.1.318.1.1.12.3.3.1.1.4; SolarWinds THWACK "APC UPS PDU Outlet Status") and noted in
 * /work/shared/notes/devices.md:
 * - rPDUOutletControlOutletCommand `.1.3.6.1.4.1.318.1.1.12.3.3.1.1.4.<outlet>`: reads immediateOn (1)
 *   while the outlet is on and immediateOff (2) while off; writing immediateOn (1), immediateOff (2)
 *   or immediateReboot (3, off, then on after rPDUOutletConfigRebootDuration) switches it. The
 *   delayed commands and cancelPendingCommand (4-7) are not simulated and answer wrongValue.
 * - rPDUOutletStatusOutletState `.1.3.6.1.4.1.318.1.1.12.3.5.1.1.4.<outlet>`: outletStatusOn (1),
 *   outletStatusOff (2); read-only.
 * - the tables' index columns (`.1`), and MIB-II's sysDescr, sysUpTime and sysName.
 *
 * The PDU's own power (`power`) is its mains: off, it answers nothing and every outlet is dead.
 * SNMP has no connections, so `openConnections` stays 0 and the event log shows commands only:
 * `outlet 3 immediateOff` and the plugged device's `MAINS OFF` after it.
 */
import type { ResolvedConfigOf } from '../config';
import type { SettledPower } from '../power';
import { InvalidSettingError, type MainsPowered, type SimulatedDevice } from '../simulated-device';
import { SnmpDevice, systemGroup } from '../snmp-device';
import { MibView, parseOid, type ManagedColumn, type SetCheck } from '../snmp/mib';
import type { SnmpValue } from '../snmp/pdu';

const OUTLET_CONTROL = parseOid('1.3.6.1.4.1.318.1.1.12.3.3.1.1');
const OUTLET_STATUS = parseOid('1.3.6.1.4.1.318.1.1.12.3.5.1.1');
const INDEX_COLUMN = 1;
const COMMAND_COLUMN = 4;
const STATE_COLUMN = 4;

const COMMANDS = { 1: 'immediateOn', 2: 'immediateOff', 3: 'immediateReboot', 4: 'delayedOn', 5: 'delayedOff', 6: 'delayedReboot', 7: 'cancelPendingCommand' } as const;
type Command = (typeof COMMANDS)[keyof typeof COMMANDS];
const SIMULATED_COMMANDS: readonly Command[] = ['immediateOn', 'immediateOff', 'immediateReboot'];
/** American Power Conversion's IANA enterprise number. */
const APC_ENTERPRISE = 318;

/** What a test or the demo can read and change on a PDU besides its own power. */
export interface SimulatedPdu extends SimulatedDevice {
  readonly kind: 'pdu';
  readonly outletCount: number;
  /** Throws InvalidSettingError for an outlet the PDU lacks. */
  outlet(outlet: number): SettledPower;
  /** Someone at the PDU's front panel: at once, cancelling a pending reboot; not in the command log. */
  setOutlet(outlet: number, state: SettledPower): void;
}

export class PduDevice extends SnmpDevice implements SimulatedPdu {
  readonly kind = 'pdu';
  protected readonly objects: MibView;
  readonly #config: ResolvedConfigOf<'pdu'>;
  readonly #outlets = new Map<number, SettledPower>();
  readonly #plugged = new Map<number, MainsPowered>();
  readonly #pendingOn = new Map<number, NodeJS.Timeout>();
  #power: SettledPower;
  #upSince = Date.now();

  constructor(config: ResolvedConfigOf<'pdu'>, host: string) {
    super(config, host, APC_ENTERPRISE);
    this.#config = config;
    this.#power = config.initialPower;
    for (let outlet = 1; outlet <= config.outletCount; outlet++) this.#outlets.set(outlet, config.initialOutlets[String(outlet)] ?? 'on');
    const system = { description: () => `APC Switched Rack PDU (simulated), ${this.outletCount} outlets`, name: config.id, upSinceMs: () => this.#upSince };
    this.objects = new MibView(systemGroup(system), this.#columns());
  }

  get power(): SettledPower {
    return this.#power;
  }

  get outletCount(): number {
    return this.#config.outletCount;
  }

  /** The id of the device each outlet feeds, by outlet number, as configured. */
  get wiring(): Readonly<Record<string, string>> {
    return this.#config.outlets;
  }

  outlet(outlet: number): SettledPower {
    const state = this.#outlets.get(outlet);
    if (state === undefined) throw new InvalidSettingError(`${this.id} has outlets 1 to ${this.outletCount}, not ${outlet}`);
    return state;
  }

  setOutlet(outlet: number, state: SettledPower): void {
    this.outlet(outlet);
    this.#switch(outlet, state);
  }

  /** Wiring at start: `device` has mains while this PDU is on and the outlet is on. */
  plug(outlet: number, device: MainsPowered): void {
    this.#plugged.set(outlet, device);
    device.setMains(this.#feeds(outlet), false);
  }

  /** The PDU's own mains: off, it answers nothing, every outlet is dead, and a fault a power cycle clears is gone. */
  setPower(power: SettledPower): void {
    if (power === this.#power) return;
    this.#power = power;
    if (power === 'on') this.#upSince = Date.now();
    else this.powerLost();
    for (const outlet of this.#plugged.keys()) this.#feed(outlet);
  }

  override async stop(): Promise<void> {
    for (const timer of this.#pendingOn.values()) clearTimeout(timer);
    this.#pendingOn.clear();
    await super.stop();
  }

  protected answers(): boolean {
    return this.#power === 'on';
  }

  #command(outlet: number, value: SnmpValue): SetCheck {
    if (value.type !== 'integer') return this.#reject('wrongType', outlet, value.type);
    const command = COMMANDS[value.value as keyof typeof COMMANDS] as Command | undefined;
    if (!command || !SIMULATED_COMMANDS.includes(command)) return this.#reject('wrongValue', outlet, command ?? String(value.value));
    return {
      commit: () => {
        this.record(`outlet ${outlet} ${command}`);
        if (command !== 'immediateReboot') return this.#switch(outlet, command === 'immediateOn' ? 'on' : 'off');
        this.#switch(outlet, 'off');
        const timer = setTimeout(() => {
          this.#pendingOn.delete(outlet);
          this.#switch(outlet, 'on');
        }, this.#config.rebootDelayMs);
        timer.unref();
        this.#pendingOn.set(outlet, timer);
      },
    };
  }

  #reject(error: 'wrongType' | 'wrongValue', outlet: number, what: string): SetCheck {
    this.record(`${error} outlet ${outlet} ${what}`);
    return { error };
  }

  #switch(outlet: number, state: SettledPower): void {
    clearTimeout(this.#pendingOn.get(outlet));
    this.#pendingOn.delete(outlet);
    this.#outlets.set(outlet, state);
    this.#feed(outlet);
  }

  #feeds(outlet: number): boolean {
    return this.#power === 'on' && this.#outlets.get(outlet) === 'on';
  }

  #feed(outlet: number): void {
    this.#plugged.get(outlet)?.setMains(this.#feeds(outlet));
  }

  #columns(): ManagedColumn[] {
    const rows = () => [...this.#outlets.keys()];
    const index = (table: number[]): ManagedColumn => ({ oid: [...table, INDEX_COLUMN], rows, read: (row) => ({ type: 'integer', value: row }) });
    const onOrOff = (row: number): SnmpValue => ({ type: 'integer', value: this.#outlets.get(row) === 'on' ? 1 : 2 });
    return [
      index(OUTLET_CONTROL),
      { oid: [...OUTLET_CONTROL, COMMAND_COLUMN], rows, read: onOrOff, write: (row, value) => this.#command(row, value) },
      index(OUTLET_STATUS),
      { oid: [...OUTLET_STATUS, STATE_COLUMN], rows, read: onOrOff },
    ];
  }
}
