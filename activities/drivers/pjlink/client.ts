/**
 * PJLink class 1 (JBMIA spec): one TCP connection per call, greeting, optional MD5 authentication
 * on the first command, one POWR exchange, close.
 */
import { createHash } from 'node:crypto';
import type { ObservedPower, Power } from '../../../domain/types';
import { DeviceAuthError, DeviceBusyError, DeviceCallContext, DeviceConfigError, DeviceProtocolError, quote } from '../../errors';
import { withLineConnection } from '../../net/line-client';
import { specOf, type DriverCall, type PowerDriver, type PowerReading } from '../shared/client';
import { pjlinkSteps, type PjlinkDriverSpec } from './spec';

/** The spec caps a line at 136 bytes; greeting plus one reply fit well within this. */
const maxBytesPerConnection = 512;

const powerByCode: Record<string, ObservedPower> = { '0': 'off', '1': 'on', '2': 'cooling', '3': 'warming' };

const commandErrors: Record<string, string> = {
  ERR1: 'undefined command (ERR1)',
  ERR2: 'parameter out of range (ERR2)',
  ERR4: 'projector failure (ERR4)',
};

export const pjlinkDriver: PowerDriver = {
  async probe(call: DriverCall): Promise<PowerReading> {
    const step = 'await POWR reply';
    const { reply, context } = await exchange(call, '%1POWR ?', step);
    const answer = /^%1POWR=(.+)$/i.exec(reply)?.[1];
    const power = answer === undefined ? undefined : powerByCode[answer];
    if (power) return { power, detail: reply };
    throw replyError(context, step, reply);
  },

  async setPower(call: DriverCall, power: Power): Promise<{ detail: string }> {
    const step = 'await POWR reply';
    const { reply, context } = await exchange(call, `%1POWR ${power === 'on' ? '1' : '0'}`, step);
    if (/^%1POWR=OK$/i.test(reply)) return { detail: reply };
    throw replyError(context, step, reply);
  },
};

async function exchange(call: DriverCall, command: string, step: string): Promise<{ reply: string; context: DeviceCallContext }> {
  const spec = specOf(call.target, 'pjlink');
  const context = new DeviceCallContext(call.target, `${spec.host}:${spec.port}`);
  const steps = pjlinkSteps(spec);
  const options = { host: spec.host, port: spec.port, context, signal: call.signal, receiveTerminator: '\r', maxBytes: maxBytesPerConnection };
  return withLineConnection(options, steps.connectMs, async (client) => {
    const greeting = (await client.readLine('read greeting', steps.greetingMs)).trim();
    const digest = authDigest(call, spec, context, greeting);
    const reply = (await client.request(`${digest}${command}\r`, step, steps.replyMs)).trim();
    if (reply.toUpperCase() === 'PJLINK ERRA') {
      throw context.error(DeviceAuthError, 'authenticate', 'password rejected (PJLINK ERRA)');
    }
    return { reply, context };
  });
}

/** The prefix of the first command: empty without authentication, else md5(random + password). */
function authDigest(call: DriverCall, spec: PjlinkDriverSpec, context: DeviceCallContext, greeting: string): string {
  const step = 'read greeting';
  if (/^PJLINK 0$/i.test(greeting)) return '';
  if (/^PJLINK ERRA$/i.test(greeting)) {
    throw context.error(DeviceAuthError, 'authenticate', 'device refuses authentication (PJLINK ERRA)');
  }
  const random = /^PJLINK 1 (\S+)$/i.exec(greeting)?.[1];
  if (random === undefined) {
    throw context.error(DeviceProtocolError, step, `unexpected greeting ${quote(greeting)}`);
  }
  if (!spec.password) {
    throw context.error(DeviceConfigError, 'authenticate', 'device requires a password but none is configured');
  }
  return createHash('md5').update(random + call.secrets(spec.password)).digest('hex');
}

function replyError(context: DeviceCallContext, step: string, reply: string): Error {
  const code = /^%1POWR=(ERR\d)$/i.exec(reply)?.[1]?.toUpperCase();
  if (code === 'ERR3') {
    return context.error(DeviceBusyError, step, `unavailable time, warming up or cooling down (${reply})`);
  }
  const known = code === undefined ? undefined : commandErrors[code];
  return context.error(DeviceProtocolError, step, known ? `${known}: ${reply}` : `unexpected reply ${quote(reply)}`);
}
