/**
 * A device watched over SNMP: a probe GETs one object (sysUpTime.0 unless the block names
 * another), and an answer means the device is up. It takes no power commands.
 *
 * The SNMP pieces here (credentials resolved on the worker, one session per call, one object read
 * and described) are also what the `pdu` family's client builds on.
 */
import snmp from 'net-snmp';
import { DeviceCallContext, DeviceConfigError, quote } from '../../errors';
import { withSnmpSession, type SnmpAccess, type SnmpSession } from '../../net/snmp-session';
import { probeOnlyError, specOf, type DeviceDriver, type DriverCall, type PowerReading } from '../shared/client';
import { snmpFamily, SYS_UP_TIME_OID, type SnmpAccessSpec, type SnmpUserAccess } from './spec';

const AGENT = 'the agent';

export const snmpDriver: DeviceDriver = {
  async probe(call: DriverCall): Promise<PowerReading> {
    const spec = specOf(call.target, 'snmp');
    // net-snmp's timer is a backstop: twice the call's deadline, so the step budget always decides.
    const agent = { ...spec, agent: AGENT, backstopMs: 2 * snmpFamily.deadlineMs(spec, []) };
    return withSnmpAgent(call, agent, async (session, context) => {
      const { detail } = await readObject(session, context, { oid: spec.oid, agent: AGENT, check: 'oid' }, snmpFamily.deadlineMs(spec, []));
      return { power: 'on', detail };
    });
  },

  async setPower(call: DriverCall): Promise<{ detail: string }> {
    const spec = specOf(call.target, 'snmp');
    throw probeOnlyError(new DeviceCallContext(call.target, `${spec.host}:${spec.port}`), 'set power', 'an snmp machine is watched, never switched');
  },
};

export interface SnmpAgentAddress {
  host: string;
  port: number;
  access: SnmpAccessSpec;
  /** How error messages name the device, e.g. `the PDU`. */
  agent: string;
  /** net-snmp's own timeout per datagram, past the call's deadline. */
  backstopMs: number;
}

/** One session to the agent for one call, with the context every error of the call names. */
export function withSnmpAgent<T>(call: DriverCall, agent: SnmpAgentAddress, use: (session: SnmpSession, context: DeviceCallContext) => Promise<T>): Promise<T> {
  const context = new DeviceCallContext(call.target, `${agent.host}:${agent.port}`);
  const options = { ...agent, access: accessOf(call, agent.access), context, signal: call.signal };
  return withSnmpSession(options, (session) => use(session, context));
}

/** The credentials, resolved here on the worker: the spec holds only their names. */
function accessOf(call: DriverCall, access: SnmpAccessSpec): SnmpAccess {
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

const READ_STEP = 'read object';

/**
 * One GET whose answer, whatever its type, means the agent is up; the detail says what it read
 * (`up 3 d 4 h (sysUpTime.0)`, `1.3.6.1.2.1.1.5.0 = "core-sw-1"`). An object the agent lacks is a
 * configuration error naming the OID.
 */
export async function readObject(session: SnmpSession, context: DeviceCallContext, object: { oid: string; agent: string; check: string }, budgetMs: number): Promise<{ detail: string }> {
  const { oid } = object;
  const varbind = await session.get({ oid, subject: oid, check: object.check }, READ_STEP, budgetMs);
  if (snmp.isVarbindError(varbind)) {
    throw context.error(DeviceConfigError, READ_STEP, `${object.agent} has no ${oid}: ${snmp.varbindError(varbind)} (check ${object.check})`);
  }
  if (oid === SYS_UP_TIME_OID && varbind.type === snmp.ObjectType.TimeTicks && typeof varbind.value === 'number') {
    return { detail: `up ${durationOfTicks(varbind.value)} (sysUpTime.0)` };
  }
  return { detail: `${oid} = ${describeValue(varbind)}` };
}

function describeValue(varbind: snmp.Varbind): string {
  const { type, value } = varbind;
  if (type === snmp.ObjectType.TimeTicks && typeof value === 'number') return durationOfTicks(value);
  if (Buffer.isBuffer(value)) {
    const text = value.toString('latin1');
    return /^[\x20-\x7e]*$/.test(text) ? quote(text) : `0x${value.subarray(0, 32).toString('hex')}${value.length > 32 ? '…' : ''}`;
  }
  return String(value);
}

const UNITS = [['d', 86_400], ['h', 3_600], ['min', 60], ['s', 1]] as const;

/** TimeTicks (hundredths of a second) as its two largest units, e.g. `3 d 4 h`, `12 min 5 s`. */
function durationOfTicks(ticks: number): string {
  let seconds = Math.floor(ticks / 100);
  const parts: string[] = [];
  for (const [unit, size] of UNITS) {
    const count = Math.floor(seconds / size);
    seconds -= count * size;
    if (count > 0 || parts.length > 0) parts.push(`${count} ${unit}`);
  }
  return parts.slice(0, 2).join(' ') || '0 s';
}
