/**
 * Line-based TCP control protocols (amplifiers, matrix switchers, Christie-style projectors):
 * one connection per call, one command line, one reply line matched by regex.
 *
 * Banner rule: many such devices greet each new connection with one or more unsolicited lines.
 * With `banner` configured (a regex of the greeting's last line) the driver waits for that line,
 * up to the response timeout, so a device slow to greet is still read right. Without it, the
 * driver listens for a short window (`greetingWaitMs`, at most 100 ms) and ignores what came. In
 * both cases the first complete line after the command is the reply and must match, so a device
 * that talks out of turn, or greets later than the window, fails loudly (DeviceProtocolError
 * quoting the line) instead of being misread.
 */
import { greetingWaitMs } from '../../domain/deadline';
import type { Power, TcpExchangeSpec, TcpLineDriverSpec } from '../../domain/types';
import { DeviceCallContext, DeviceConfigError, DeviceProtocolError, quote } from '../errors';
import { LineClient } from '../net/line-client';
import { compileRegex, matchState, specOf } from './spec';
import type { DriverCall, PowerDriver, PowerReading } from './types';

/** How to reach a line device, without what to say to it. */
export type TcpConnectionSpec = Pick<
  TcpLineDriverSpec,
  'host' | 'port' | 'sendTerminator' | 'receiveTerminator' | 'banner' | 'timeouts' | 'maxResponseBytes'
>;

export const tcpLineDriver: PowerDriver = {
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
export async function commandTcp(
  call: DriverCall,
  connection: TcpConnectionSpec,
  exchange: TcpExchangeSpec,
): Promise<{ detail: string }> {
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
  const client = new LineClient({
    host: connection.host,
    port: connection.port,
    context,
    signal: call.signal,
    connectTimeoutMs: connection.timeouts.connectMs,
    responseTimeoutMs: connection.timeouts.responseMs,
    receiveTerminator: connection.receiveTerminator,
    maxBytes: connection.maxResponseBytes,
  });
  try {
    await client.connect();
    if (banner) await client.awaitLine(banner, 'await banner');
    else await client.listen(greetingWaitMs(connection), 'await banner');
    client.discardLines();
    return await client.request(command + connection.sendTerminator, replyStep(command));
  } finally {
    client.destroy();
  }
}
