/**
 * PJLink class 1 (JBMIA spec): one TCP connection per call, greeting, optional MD5 authentication
 * on the first command, then the call's commands one after another on that connection, close.
 */
import { createHash } from 'node:crypto';
import type { AspectValue, AspectValues } from '../../../domain/aspects';
import { DEVICE_COMPONENTS, type ComponentState, type DeviceComponent, type Lamp, type Telemetry } from '../../../domain/telemetry';
import type { ObservedPower, Power } from '../../../domain/types';
import { DeviceAuthError, DeviceBusyError, DeviceCallContext, DeviceConfigError, DeviceProtocolError, quote } from '../../errors';
import { withLineConnection, type LineClient } from '../../net/line-client';
import { specOf, type DeviceDriver, type DriverCall, type PowerReading } from '../shared/client';
import { PJLINK_TELEMETRY_QUERIES, pjlinkSteps, type PjlinkDriverSpec } from './spec';

/** The spec caps a line at 136 bytes; a greeting and one reply fit well within this, and each further reply adds as much. */
const maxBytesPerCommand = 512;

const powerByCode: Record<string, ObservedPower> = { '0': 'off', '1': 'on', '2': 'cooling', '3': 'warming' };
const componentStates: Record<string, ComponentState> = { '0': 'ok', '1': 'warning', '2': 'error' };

const commandErrors: Record<string, string> = {
  ERR1: 'undefined command (ERR1)',
  ERR2: 'parameter out of range (ERR2)',
  ERR4: 'projector failure (ERR4)',
};

/** One command and its reply on the call's connection; the first command carries the digest. */
type Ask = (body: string, parameter: string) => Promise<string>;

export const pjlinkDriver: DeviceDriver = {
  async probe(call: DriverCall, aspectReads: readonly string[] = []): Promise<PowerReading> {
    return session(call, 1 + aspectReads.length, async (ask, spec, context) => {
      const reply = await ask('POWR', '?');
      const power = powerByCode[answerOf(context, 'POWR', reply)];
      if (!power) throw context.error(DeviceProtocolError, 'await POWR reply', `unexpected reply ${quote(reply)}`);
      if (power !== 'on' || aspectReads.length === 0) return { power, detail: reply };
      const aspects: AspectValues = {};
      for (const aspect of aspectReads) aspects[aspect] = await readAspect(ask, spec, context, aspect);
      return { power, detail: reply, aspects };
    });
  },

  async setPower(call: DriverCall, power: Power): Promise<{ detail: string }> {
    return session(call, 1, async (ask, _spec, context) => confirmed(context, 'POWR', await ask('POWR', power === 'on' ? '1' : '0')));
  },

  async setAspect(call: DriverCall, aspect: string, value: AspectValue): Promise<{ detail: string }> {
    return session(call, 1, async (ask, spec, context) => {
      const { body, parameter } = aspectCommand(spec, context, aspect, value);
      return confirmed(context, body, await ask(body, parameter));
    });
  },

  async readTelemetry(call: DriverCall): Promise<Omit<Telemetry, 'atMs'>> {
    return session(call, PJLINK_TELEMETRY_QUERIES.length, async (ask, _spec, context) => {
      const telemetry: Omit<Telemetry, 'atMs'> = {};
      const unanswered: string[] = [];
      for (const query of PJLINK_TELEMETRY_QUERIES) {
        const reply = await ask(query, '?');
        const code = errorCodeOf(query, reply);
        if (code) unanswered.push(`${query}: ${commandErrors[code] ?? code}`);
        else Object.assign(telemetry, telemetryField(context, query, answerOf(context, query, reply)));
      }
      return unanswered.length === 0 ? telemetry : { ...telemetry, unanswered };
    });
  },
};

async function readAspect(ask: Ask, spec: PjlinkDriverSpec, context: DeviceCallContext, aspect: string): Promise<AspectValue> {
  if (aspect === 'input') {
    const code = answerOf(context, 'INPT', await ask('INPT', '?'));
    return inputNameOf(spec, code);
  }
  if (aspect === 'mute') {
    const code = answerOf(context, 'AVMT', await ask('AVMT', '?'));
    // 11 and 21 mute only picture or only sound: neither is the all-or-nothing the aspect means, so it reads as text and differs from both.
    if (code === '31') return true;
    if (code === '30') return false;
    if (code === '11' || code === '21') return `AVMT ${code}`;
    throw context.error(DeviceProtocolError, 'await AVMT reply', `unexpected mute state ${quote(code)}`);
  }
  throw context.error(DeviceConfigError, 'select aspect', `PJLink has no aspect "${aspect}"; its aspects: input, mute`);
}

function aspectCommand(spec: PjlinkDriverSpec, context: DeviceCallContext, aspect: string, value: AspectValue): { body: string; parameter: string } {
  if (aspect === 'input' && typeof value === 'string') return { body: 'INPT', parameter: spec.inputs?.[value] ?? value };
  if (aspect === 'mute' && typeof value === 'boolean') return { body: 'AVMT', parameter: value ? '31' : '30' };
  throw context.error(DeviceConfigError, 'select aspect', `PJLink cannot set ${aspect} to ${quote(String(value))}`);
}

/** The name the venue gave an input code, else the code. */
function inputNameOf(spec: PjlinkDriverSpec, code: string): string {
  return Object.entries(spec.inputs ?? {}).find(([, inputCode]) => inputCode === code)?.[0] ?? code;
}

function telemetryField(context: DeviceCallContext, query: (typeof PJLINK_TELEMETRY_QUERIES)[number], answer: string): Partial<Telemetry> {
  switch (query) {
    case 'LAMP':
      return { lamps: lampsOf(context, answer) };
    case 'ERST':
      return { errors: errorStatusOf(context, answer) };
    case 'INST':
      return { inputs: answer.split(' ').filter((code) => code !== '') };
    case 'NAME':
      return { name: answer };
    case 'INF1':
      return { manufacturer: answer };
    case 'INF2':
      return { model: answer };
    case 'INFO':
      return { info: answer };
    case 'CLSS':
      return { protocolClass: answer };
  }
}

/** `1234 1 98 0`: hours and lit (1) or not (0), per lamp. */
function lampsOf(context: DeviceCallContext, answer: string): Lamp[] {
  const fields = answer.split(' ');
  if (fields.length % 2 !== 0 || fields.some((field) => !/^\d+$/.test(field))) {
    throw context.error(DeviceProtocolError, 'await LAMP reply', `unexpected lamp status ${quote(answer)}`);
  }
  const lamps: Lamp[] = [];
  for (let i = 0; i < fields.length; i += 2) lamps.push({ hours: Number(fields[i]), lit: fields[i + 1] === '1' });
  return lamps;
}

/** Six digits: fan, lamp, temperature, cover, filter, other; each 0 ok, 1 warning, 2 error. */
function errorStatusOf(context: DeviceCallContext, answer: string): Record<DeviceComponent, ComponentState> {
  const states = [...answer].map((digit) => componentStates[digit]);
  if (states.length !== DEVICE_COMPONENTS.length || states.some((state) => state === undefined)) {
    throw context.error(DeviceProtocolError, 'await ERST reply', `unexpected error status ${quote(answer)}`);
  }
  return Object.fromEntries(DEVICE_COMPONENTS.map((component, i) => [component, states[i]])) as Record<DeviceComponent, ComponentState>;
}

/**
 * Connects, reads the greeting, and lets `talk` send commands: the first prefixed with the digest
 * when the device asks for authentication, each waiting its reply's own deadline.
 */
async function session<T>(
  call: DriverCall,
  commands: number,
  talk: (ask: Ask, spec: PjlinkDriverSpec, context: DeviceCallContext) => Promise<T>,
): Promise<T> {
  const spec = specOf(call.target, 'pjlink');
  const context = new DeviceCallContext(call.target, `${spec.host}:${spec.port}`);
  const steps = pjlinkSteps(spec);
  const options = { host: spec.host, port: spec.port, context, signal: call.signal, receiveTerminator: '\r', maxBytes: commands * maxBytesPerCommand };
  return withLineConnection(options, steps.connectMs, async (client: LineClient) => {
    const greeting = (await client.readLine('read greeting', steps.greetingMs)).trim();
    let digest = authDigest(call, spec, context, greeting);
    const ask: Ask = async (body, parameter) => {
      const reply = (await client.request(`${digest}%1${body} ${parameter}\r`, `await ${body} reply`, steps.replyMs)).trim();
      digest = '';
      if (reply.toUpperCase() === 'PJLINK ERRA') {
        throw context.error(DeviceAuthError, 'authenticate', 'password rejected (PJLINK ERRA)');
      }
      return reply;
    };
    return talk(ask, spec, context);
  });
}

/** The text after `%1<BODY>=`; a PJLink error code or any other reply is an error naming the step. */
function answerOf(context: DeviceCallContext, body: string, reply: string): string {
  const step = `await ${body} reply`;
  const answer = new RegExp(`^%1${body}=(.*)$`, 'i').exec(reply)?.[1];
  if (answer === undefined) throw context.error(DeviceProtocolError, step, `unexpected reply ${quote(reply)}`);
  const code = errorCodeOf(body, reply);
  if (code === 'ERR3') throw context.error(DeviceBusyError, step, `unavailable time, warming up or cooling down (${reply})`);
  if (code) throw context.error(DeviceProtocolError, step, `${commandErrors[code] ?? code}: ${reply}`);
  return answer;
}

function confirmed(context: DeviceCallContext, body: string, reply: string): { detail: string } {
  if (answerOf(context, body, reply).toUpperCase() === 'OK') return { detail: reply };
  throw context.error(DeviceProtocolError, `await ${body} reply`, `unexpected reply ${quote(reply)}`);
}

function errorCodeOf(body: string, reply: string): string | undefined {
  return new RegExp(`^%1${body}=(ERR\\d)$`, 'i').exec(reply)?.[1]?.toUpperCase();
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
