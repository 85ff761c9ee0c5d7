/**
 * A machine on a switched PDU outlet, over SNMP: a probe reads the outlet's state, a switch writes
 * its command and reads the state once to confirm. An outlet is on or off, never warming or
 * cooling; what it feeds may take its time to boot, which the outlet cannot tell. A machine
 * without an outlet is the PDU as a whole: its probe reads sysUpTime.0 (an answer is `on`), and
 * it takes no power commands.
 *
 * One session per call (snmp/client.ts, activities/net/snmp-session.ts): every request within its
 * step budget from pdu/spec.ts and the activity's signal, the socket closed however the call ends.
 */
import snmp from 'net-snmp';
import type { Power } from '../../../domain/types';
import { DeviceCallContext, DeviceConfigError, DeviceProtocolError } from '../../errors';
import type { SnmpSession } from '../../net/snmp-session';
import { probeOnlyError, specOf, type DeviceDriver, type DriverCall, type PowerReading } from '../shared/client';
import { readObject, withSnmpAgent } from '../snmp/client';
import { SYS_UP_TIME_OID } from '../snmp/spec';
import { pduCycleDeadlineMs, pduSteps, type PduDriverSpec, type PduOutletSpec } from './spec';

/** net-snmp's timer is a backstop past any call's deadline, a power cycle of a minute off included. */
const BACKSTOP_OFF_MS = 60_000;
const AGENT = 'the PDU';
const PROBE_ONLY = 'a pdu machine without an outlet is the PDU as a whole, watched, never switched (give it an outlet to switch one)';

export const pduDriver: DeviceDriver = {
  async probe(call: DriverCall): Promise<PowerReading> {
    const spec = specOf(call.target, 'pdu');
    if (spec.outlet === undefined) {
      return withPdu(call, spec, async (session, context) => {
        const { detail } = await readObject(session, context, { oid: SYS_UP_TIME_OID, agent: AGENT, check: 'the address, port and community' }, pduSteps(spec).readMs);
        return { power: 'on', detail };
      });
    }
    return withOutlet(call, 'read outlet state', async (outlet) => {
      const { power, detail } = await outlet.read('read outlet state', outlet.steps.readMs);
      return { power, detail };
    });
  },

  async setPower(call: DriverCall, power: Power): Promise<{ detail: string }> {
    return withOutlet(call, 'set power', (outlet) => outlet.switchTo(power, outlet.steps.commandMs));
  },
};

/**
 * Switches the machine's outlet off, leaves it off for `offMs`, and on again, confirming each: the
 * power cycle of a machine that stays failing (the `powerCycleOutlet` activity). Its deadline is
 * pduCycleDeadlineMs.
 */
export async function cycleOutlet(call: DriverCall, offMs: number): Promise<{ detail: string }> {
  if (!Number.isSafeInteger(offMs) || offMs < 0) {
    const spec = specOf(call.target, 'pdu');
    throw new DeviceCallContext(call.target, `${spec.host}:${spec.port}`).error(DeviceConfigError, 'power cycle', `offMs must be a whole number of milliseconds from 0, not ${offMs}`);
  }
  return withOutlet(call, 'power cycle', async (outlet) => {
    const off = await outlet.switchTo('off', outlet.steps.commandMs);
    await outlet.session.pause('wait with the outlet off', offMs);
    const on = await outlet.switchTo('on', outlet.steps.laterRequestMs);
    return { detail: `${off.detail}; off for ${offMs} ms; ${on.detail}` };
  });
}

function withPdu<T>(call: DriverCall, spec: PduDriverSpec, use: (session: SnmpSession, context: DeviceCallContext) => Promise<T>): Promise<T> {
  return withSnmpAgent(call, { ...spec, agent: AGENT, backstopMs: pduCycleDeadlineMs(spec, BACKSTOP_OFF_MS) }, use);
}

/** The machine's outlet; a PDU without one takes no commands (`step` names the one refused). */
function withOutlet<T>(call: DriverCall, step: string, use: (outlet: Outlet) => Promise<T>): Promise<T> {
  const spec = specOf(call.target, 'pdu');
  const { outlet } = spec;
  if (outlet === undefined) throw probeOnlyError(new DeviceCallContext(call.target, `${spec.host}:${spec.port}`), step, PROBE_ONLY);
  return withPdu(call, spec, (session, context) => use(new Outlet(session, { ...spec, outlet }, context)));
}

/** The machine's outlet on the call's session. */
class Outlet {
  readonly steps: ReturnType<typeof pduSteps>;
  readonly #stateOid: string;
  readonly #commandOid: string;
  readonly #subject: string;
  readonly #check: string;

  constructor(
    readonly session: SnmpSession,
    private readonly spec: PduOutletSpec,
    private readonly context: DeviceCallContext,
  ) {
    this.steps = pduSteps(spec);
    this.#stateOid = `${spec.objects.stateOid}.${spec.outlet}`;
    this.#commandOid = `${spec.objects.commandOid}.${spec.outlet}`;
    this.#subject = `outlet ${spec.outlet}`;
    this.#check = `${this.#subject}, the mib`;
  }

  async read(step: string, budgetMs: number): Promise<{ power: Power; detail: string }> {
    const varbind = await this.session.get({ oid: this.#stateOid, subject: this.#subject, check: this.#check }, step, budgetMs);
    const oid = this.#stateOid;
    if (snmp.isVarbindError(varbind)) {
      throw this.context.error(DeviceConfigError, step, `the PDU has no ${this.#subject}: ${snmp.varbindError(varbind)} (check outlet and mib)`);
    }
    if (varbind.type !== snmp.ObjectType.Integer || typeof varbind.value !== 'number') {
      const type = varbind.type === undefined ? 'untyped' : (snmp.ObjectType[varbind.type] ?? String(varbind.type));
      throw this.context.error(DeviceProtocolError, step, `${oid} is ${type}, not the INTEGER an outlet state is (check mib)`);
    }
    const { stateOn, stateOff } = this.spec.objects;
    const { value } = varbind;
    if (stateOn.includes(value)) return { power: 'on', detail: `${oid} = ${value} (on)` };
    if (stateOff.includes(value)) return { power: 'off', detail: `${oid} = ${value} (off)` };
    throw this.context.error(DeviceProtocolError, step, `${oid} = ${value}, neither on (${stateOn.join(', ')}) nor off (${stateOff.join(', ')})`);
  }

  /** The command, then one read; the detail says what the outlet read then, which a slow PDU may not have reached yet. */
  async switchTo(power: Power, commandBudgetMs: number): Promise<{ detail: string }> {
    const value = power === 'on' ? this.spec.objects.onValue : this.spec.objects.offValue;
    await this.session.setInteger({ oid: this.#commandOid, subject: this.#subject, check: this.#check, value }, `set outlet ${power}`, commandBudgetMs);
    const reading = await this.read('confirm outlet state', this.steps.confirmMs);
    const then = reading.power === power ? `then read ${reading.detail}` : `then still read ${reading.detail}, not yet ${power}`;
    return { detail: `${this.#subject}: set ${this.#commandOid} = ${value} (${power}), ${then}` };
  }
}
