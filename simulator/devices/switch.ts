/**
 * A managed network switch as a controller sees it: an SNMP agent on its UDP port answering
 * MIB-II's system group (RFC 1213: sysDescr, sysUpTime, sysName) for its community or v3 users.
 * Nothing in it is writable.
 *
 * Its power is its mains, which a PDU outlet may feed: without them it answers nothing. When they
 * return it boots for `bootMs`, answering nothing yet, and sysUpTime counts from the end of that
 * boot. The event log shows `MAINS OFF` and `MAINS ON`.
 */
import type { Fault, ResolvedConfigOf } from '../config';
import { PowerCycle, type SettledPower, type SimulatedPower } from '../power';
import type { CommandRecord, DeviceEventListener, MainsPowered, RunnableDevice, SimulatedDevice } from '../simulated-device';
import { SnmpEndpoint, systemGroup } from '../snmp-device';
import { MibView } from '../snmp/mib';

/** IANA's enterprise number for documentation (RFC 5612): a switch of no real maker. */
const EXAMPLE_ENTERPRISE = 32473;

export class SwitchDevice implements SimulatedDevice, RunnableDevice, MainsPowered {
  readonly kind = 'switch';
  readonly id: string;
  readonly host: string;
  readonly openConnections = 0;
  readonly #endpoint: SnmpEndpoint;
  readonly #powerCycle: PowerCycle;
  #mains = true;
  #upSince = Date.now();

  constructor(config: ResolvedConfigOf<'switch'>, host: string) {
    this.id = config.id;
    this.host = host;
    this.#powerCycle = new PowerCycle(config.initialPower, { warmingMs: config.bootMs, coolingMs: 0 }, (state) => {
      if (state === 'on') this.#upSince = Date.now();
    });
    const system = { description: () => config.description, name: config.id, upSinceMs: () => this.#upSince };
    this.#endpoint = new SnmpEndpoint({
      device: this,
      host,
      port: config.port,
      enterprise: EXAMPLE_ENTERPRISE,
      community: config.community,
      users: config.users,
      fault: config.fault,
      objects: new MibView(systemGroup(system), []),
      answers: () => this.#mains && this.#powerCycle.state === 'on',
    });
  }

  get port(): number {
    return this.#endpoint.port;
  }

  get commands(): CommandRecord[] {
    return this.#endpoint.commands;
  }

  get power(): SimulatedPower {
    return this.#powerCycle.state;
  }

  /** Its own power at once, no boot: off is the switch losing its power, which clears a fault a power cycle clears. */
  setPower(power: SettledPower): void {
    if (power === 'off') this.#endpoint.powerLost();
    this.#powerCycle.jumpTo(power);
  }

  setMains(on: boolean, record = true): void {
    if (on === this.#mains) return;
    this.#mains = on;
    if (record) this.#endpoint.record(on ? 'MAINS ON' : 'MAINS OFF');
    this.#powerCycle.jumpTo('off');
    if (on) this.#powerCycle.switchTo('on');
    else this.#endpoint.powerLost();
  }

  setFault(fault: Fault | undefined): void {
    this.#endpoint.setFault(fault);
  }

  observe(listener: DeviceEventListener | undefined): void {
    this.#endpoint.observe(listener);
  }

  start(): Promise<void> {
    return this.#endpoint.start();
  }

  async stop(): Promise<void> {
    this.#powerCycle.stop();
    await this.#endpoint.stop();
  }
}
