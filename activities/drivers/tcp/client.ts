/**
 * Line-based TCP control protocols (amplifiers, matrix switchers, Christie-style projectors):
 * one connection per call, one command line and one reply line matched by regex per exchange (a
 * probe also reads the declared aspects it is asked for, on the same connection).
 *
 * Banner rule: many such devices greet each new connection with one or more unsolicited lines.
 * With `banner` configured (a regex of the greeting's last line) the driver waits for that line,
 * up to the response timeout, so a device slow to greet is still read right. Without it, the
 * driver listens for a short window (the greeting step of `tcpSteps`, at most 100 ms) and ignores
 * what came. In both cases the first complete line after the command is the reply and must
 * match, so a device that talks out of turn, or greets later than the window, fails loudly
 * (DeviceProtocolError quoting the line) instead of being misread.
 */
import type { AspectValue, AspectValues } from '../../../domain/aspects';
import type { Power } from '../../../domain/types';
import { DeviceCallContext, DeviceConfigError, DeviceProtocolError, quote } from '../../errors';
import { withLineConnection } from '../../net/line-client';
import { aspectValueOf, compileRegex, matchState, specOf, wireValueOf, withValue, type DeviceDriver, type DriverCall, type PowerReading } from '../shared/client';
import { tcpSteps, type TcpConnectionSpec, type TcpExchangeSpec, type TcpLineDriverSpec } from './spec';

/** One command line and its reply line on the call's connection. */
type Ask = (command: string) => Promise<string>;

export const tcpDriver: DeviceDriver = {
  async probe(call: DriverCall, aspectReads: readonly string[] = []): Promise<PowerReading> {
    const spec = specOf(call.target, 'tcp');
    const context = contextFor(call, spec);
    const patterns = new Map(
      Object.values(spec.probe.states)
        .flat()
        .map((pattern: string) => [pattern, compileRegex(context, pattern, 'compile state regexes')]),
    );
    return session(call, spec, context, async (ask) => {
      const line = await ask(spec.probe.send);
      const power = matchState(spec.probe.states, (pattern) => patterns.get(pattern)?.test(line) === true);
      if (!power) throw context.error(DeviceProtocolError, replyStep(spec.probe.send), `reply ${quote(line)} matches no configured state`);
      if (power !== 'on' || aspectReads.length === 0) return { power, detail: line };
      return { power, detail: line, aspects: await readAspects(ask, spec, context, aspectReads) };
    });
  },

  setPower(call: DriverCall, power: Power): Promise<{ detail: string }> {
    const spec = specOf(call.target, 'tcp');
    return commandTcp(call, spec, power === 'on' ? spec.on : spec.off);
  },

  async setAspect(call: DriverCall, aspect: string, value: AspectValue): Promise<{ detail: string }> {
    const spec = specOf(call.target, 'tcp');
    const declared = declaredAspect(spec, contextFor(call, spec), aspect);
    const wire = wireValueOf(declared, value);
    return commandTcp(call, spec, { send: withValue(declared.set.send, wire), expect: declared.set.expect });
  },
};

async function readAspects(ask: Ask, spec: TcpLineDriverSpec, context: DeviceCallContext, aspectReads: readonly string[]): Promise<AspectValues> {
  const aspects: AspectValues = {};
  for (const name of aspectReads) {
    const declared = declaredAspect(spec, context, name);
    const line = await ask(declared.read.send);
    const captured = compileRegex(context, declared.read.value, `compile ${name} regex`).exec(line)?.[1];
    const step = replyStep(declared.read.send);
    if (captured === undefined) throw context.error(DeviceProtocolError, step, `reply ${quote(line)} does not match /${declared.read.value}/`);
    aspects[name] = aspectValueOf(context, step, declared, captured);
  }
  return aspects;
}

function declaredAspect(spec: TcpLineDriverSpec, context: DeviceCallContext, name: string) {
  const declared = spec.aspects?.[name];
  if (declared) return declared;
  const names = Object.keys(spec.aspects ?? {});
  throw context.error(DeviceConfigError, 'select aspect', `no aspect "${name}" is declared; declared: ${names.length === 0 ? 'none' : names.join(', ')}`);
}

/** Sends the exchange's command; the reply line must match its `expect` regex. */
export async function commandTcp(call: DriverCall, connection: TcpConnectionSpec, exchange: TcpExchangeSpec): Promise<{ detail: string }> {
  const context = contextFor(call, connection);
  const expected = compileRegex(context, exchange.expect, 'compile expect regex');
  const line = await session(call, connection, context, (ask) => ask(exchange.send));
  if (expected.test(line)) return { detail: line };
  throw context.error(
    DeviceProtocolError,
    replyStep(exchange.send),
    `reply ${quote(line)} does not match expected /${exchange.expect}/`,
  );
}

function contextFor(call: DriverCall, connection: TcpConnectionSpec): DeviceCallContext {
  return new DeviceCallContext(call.target, `${connection.host}:${connection.port}`);
}

function replyStep(command: string): string {
  return `await reply to ${command}`;
}

/** Connects, waits out the greeting, and lets `talk` exchange lines, each reply within its own deadline. */
async function session<T>(call: DriverCall, connection: TcpConnectionSpec, context: DeviceCallContext, talk: (ask: Ask) => Promise<T>): Promise<T> {
  if (!connection.receiveTerminator) {
    throw context.error(DeviceConfigError, 'connect', 'receiveTerminator is empty: replies could never end');
  }
  const banner = connection.banner === undefined ? undefined : compileRegex(context, connection.banner, 'compile banner regex');
  const steps = tcpSteps(connection);
  const { host, port, receiveTerminator, maxResponseBytes: maxBytes } = connection;
  return withLineConnection({ host, port, context, signal: call.signal, receiveTerminator, maxBytes }, steps.connectMs, async (client) => {
    if (banner) await client.awaitLine(banner, 'await banner', steps.greetingMs);
    else await client.listen(steps.greetingMs, 'await banner');
    client.discardLines();
    return talk((command) => client.request(command + connection.sendTerminator, replyStep(command), steps.replyMs));
  });
}
