/**
 * A machine on a switched PDU outlet, over SNMP: a probe reads the outlet's state, a switch writes
 * its command and reads the state once to confirm. An outlet is on or off, never warming or
 * cooling; what it feeds may take its time to boot, which the outlet cannot tell.
 *
 * One session per call (activities/net/snmp-session.ts): every request within its step budget
 * from pdu/spec.ts and the activity's signal, the socket closed however the call ends.
 */
import snmp from 'net-snmp';
import type { Power } from '../../../domain/types';
import { DeviceCallContext, DeviceConfigError, DeviceProtocolError } from '../../errors';
import { withSnmpSession, type SnmpAccess, type SnmpSession } from '../../net/snmp-session';
import { specOf, type DeviceDriver, type DriverCall, type PowerReading } from '../shared/client';
import { pduCycleDeadlineMs, pduSteps, type PduDriverSpec, type SnmpUserAccess } from './spec';

/** net-snmp's timer is a backstop past any call's deadline, a power cycle of a minute off included. */
const BACKSTOP_OFF_MS = 60_000;

export const pduDriver: DeviceDriver = {
  async probe(call: DriverCall): Promise<PowerReading> {
    return withOutlet(call, async (outlet) => {
      const { power, detail } = await outlet.read('read outlet state', outlet.steps.readMs);
      return { power, detail };
    });
  },

  async setPower(call: DriverCall, power: Power): Promise<{ detail: string }> {
    return withOutlet(call, (outlet) => outlet.switchTo(power, outlet.steps.commandMs));
  },
};

/**
 * Switches the machine's outlet off, leaves it off for `offMs`, and on again, confirming each: the
 * power cycle issue 15 gives a machine that stays failing. Not an activity yet; a caller sets its
 * timeout from pduCycleDeadlineMs.
 */
export async function cycleOutlet(call: DriverCall, offMs: number): Promise<{ detail: string }> {
  return withOutlet(call, async (outlet) => {
    const off = await outlet.switchTo('off', outlet.steps.commandMs);
    await outlet.session.pause('wait with the outlet off', offMs);
    const on = await outlet.switchTo('on', outlet.steps.laterRequestMs);
    return { detail: `${off.detail}; off for ${offMs} ms; ${on.detail}` };
  });
}

async function withOutlet<T>(call: DriverCall, use: (outlet: Outlet) => Promise<T>): Promise<T> {
  const spec = specOf(call.target, 'pdu');
  const context = new DeviceCallContext(call.target, `${spec.host}:${spec.port}`);
  const options = {
    host: spec.host,
    port: spec.port,
    access: accessOf(call, spec),
    context,
    signal: call.signal,
    backstopMs: pduCycleDeadlineMs(spec, BACKSTOP_OFF_MS),
  };
  return withSnmpSession(options, (session) => use(new Outlet(session, spec, context)));
}

/** The credentials, resolved here on the worker: the spec holds only their names. */
function accessOf(call: DriverCall, spec: PduDriverSpec): SnmpAccess {
  const { access } = spec;
  if (access.version !== '3') return { version: access.version, community: call.secrets(access.community) };
  return { version: '3', user: userOf(call, access) };
}

function userOf(call: DriverCall, access: SnmpUserAccess): snmp.User {
  const { auth, priv } = access;
  const level = priv ? snmp.SecurityLevel.authPriv : auth ? snmp.SecurityLevel.authNoPriv : snmp.SecurityLevel.noAuthNoPriv;
  return {
    name: access.user,
    level,
    ...(auth && { authProtocol: snmp.AuthProtocols[auth.protocol], authKey: call.secrets(auth.key) }),
    ...(priv && { privProtocol: snmp.PrivProtocols[priv.protocol], privKey: call.secrets(priv.key) }),
  };
}

/** The machine's outlet on the call's session. */
class Outlet {
  readonly steps: ReturnType<typeof pduSteps>;
  readonly #stateOid: string;
  readonly #commandOid: string;
  readonly #subject: string;

  constructor(
    readonly session: SnmpSession,
    private readonly spec: PduDriverSpec,
    private readonly context: DeviceCallContext,
  ) {
    this.steps = pduSteps(spec);
    this.#stateOid = `${spec.objects.stateOid}.${spec.outlet}`;
    this.#commandOid = `${spec.objects.commandOid}.${spec.outlet}`;
    this.#subject = `outlet ${spec.outlet}`;
  }

  async read(step: string, budgetMs: number): Promise<{ power: Power; detail: string }> {
    const varbind = await this.session.get({ oid: this.#stateOid, subject: this.#subject }, step, budgetMs);
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
    await this.session.setInteger({ oid: this.#commandOid, subject: this.#subject, value }, `set outlet ${power}`, commandBudgetMs);
    const reading = await this.read('confirm outlet state', this.steps.confirmMs);
    const then = reading.power === power ? `then read ${reading.detail}` : `then still read ${reading.detail}, not yet ${power}`;
    return { detail: `${this.#subject}: set ${this.#commandOid} = ${value} (${power}), ${then}` };
  }
}
