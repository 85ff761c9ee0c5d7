/**
 * A managed network switch as a controller sees it: an SNMP agent on its UDP port answering
 * MIB-II's system group (RFC 1213: sysDescr, sysUpTime, sysName) for its community or v3 users.
 * Nothing in it is writable.
 *
 * Its power is its mains, which a PDU outlet may feed: without them it answers nothing. When they
 * return it boots for `bootMs`, answering nothing yet, and sysUpTime counts from the end of that
 * boot. The event log shows `MAINS OFF` and `MAINS ON`.
 */
import type { ResolvedConfigOf } from '../config';
import { PowerCycle, type SettledPower, type SimulatedPower } from '../power';
import type { MainsPowered } from '../simulated-device';
import { SnmpDevice, systemGroup } from '../snmp-device';
import { MibView } from '../snmp/mib';

/** IANA's enterprise number for documentation (RFC 5612): a switch of no real maker. */
const EXAMPLE_ENTERPRISE = 32473;

export class SwitchDevice extends SnmpDevice implements MainsPowered {
  readonly kind = 'switch';
  protected readonly objects: MibView;
  readonly #powerCycle: PowerCycle;
  #mains = true;
  #upSince = Date.now();

  constructor(config: ResolvedConfigOf<'switch'>, host: string) {
    super(config, host, EXAMPLE_ENTERPRISE);
    this.#powerCycle = new PowerCycle(config.initialPower, { warmingMs: config.bootMs, coolingMs: 0 }, (state) => {
      if (state === 'on') this.#upSince = Date.now();
    });
    this.objects = new MibView(systemGroup({ description: () => config.description, name: config.id, upSinceMs: () => this.#upSince }), []);
  }

  get power(): SimulatedPower {
    return this.#powerCycle.state;
  }

  /** Its own power at once, no boot: off is the switch losing its power, which clears a fault a power cycle clears. */
  setPower(power: SettledPower): void {
    if (power === 'off') this.powerLost();
    this.#powerCycle.jumpTo(power);
  }

  setMains(on: boolean, record = true): void {
    if (on === this.#mains) return;
    this.#mains = on;
    if (record) this.record(on ? 'MAINS ON' : 'MAINS OFF');
    this.#powerCycle.jumpTo('off');
    if (on) this.#powerCycle.switchTo('on');
    else this.powerLost();
  }

  override async stop(): Promise<void> {
    this.#powerCycle.stop();
    await super.stop();
  }

  protected answers(): boolean {
    return this.#mains && this.#powerCycle.state === 'on';
  }
}
