/**
 * Line-based TCP control protocols (amplifiers, matrix switchers, Christie-style projectors):
 * one connection per call, one command line, one reply line matched by regex.
 *
 * Banner rule: many such devices greet each new connection with one or more unsolicited lines.
 * With `banner` configured (a regex of the greeting's last line) the driver waits for that line,
 * up to the response timeout, so a device slow to greet is still read right. Without it, the
 * driver listens for a short window (the greeting step of `tcpSteps`, at most 100 ms) and ignores
 * what came. In both cases the first complete line after the command is the reply and must
 * match, so a device that talks out of turn, or greets later than the window, fails loudly
 * (DeviceProtocolError quoting the line) instead of being misread.
 */
import type { Power } from '../../../domain/types';
import { DeviceCallContext, DeviceConfigError, DeviceProtocolError, quote } from '../../errors';
import { withLineConnection } from '../../net/line-client';
import { compileRegex, matchState, specOf, type DriverCall, type PowerDriver, type PowerReading } from '../shared/client';
import { tcpSteps, type TcpConnectionSpec, type TcpExchangeSpec } from './spec';

export const tcpDriver: PowerDriver = {
  async probe(call: DriverCall): Promise<PowerReading> {
    const spec = specOf(call.target, 'tcp');
    const context = contextFor(call, spec);
    const patterns = new Map(
      Object.values(spec.probe.states)
        .flat()
        .map((pattern: string) => [pattern, compileRegex(context, pattern, 'compile state regexes')]),
    );
    const line = await exchangeLine(call, spec, context, spec.probe.send);
    const power = matchState(spec.probe.states, (pattern) => patterns.get(pattern)?.test(line) === true);
    if (power) return { power, detail: line };
    throw context.error(DeviceProtocolError, replyStep(spec.probe.send), `reply ${quote(line)} matches no configured state`);
  },

  setPower(call: DriverCall, power: Power): Promise<{ detail: string }> {
    const spec = specOf(call.target, 'tcp');
    return commandTcp(call, spec, power === 'on' ? spec.on : spec.off);
  },
};

/** Sends the exchange's command; the reply line must match its `expect` regex. */
export async function commandTcp(call: DriverCall, connection: TcpConnectionSpec, exchange: TcpExchangeSpec): Promise<{ detail: string }> {
  const context = contextFor(call, connection);
  const expected = compileRegex(context, exchange.expect, 'compile expect regex');
  const line = await exchangeLine(call, connection, context, exchange.send);
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

async function exchangeLine(
  call: DriverCall,
  connection: TcpConnectionSpec,
  context: DeviceCallContext,
  command: string,
): Promise<string> {
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
    return client.request(command + connection.sendTerminator, replyStep(command), steps.replyMs);
  });
}
