/** The `driver:` block of a line-based TCP device in the venue file, and the pieces Wake-on-LAN reuses. */
import { z } from 'zod';
import { nonEmptyTextField, portField, regexField, strictObject } from '../../../config/fields';
import { declaredAspects, maxResponseBytes, stateMatchers, timeouts, toDeclaredAspects, toStates, toTimeouts, type DriverSchema } from '../shared/schema';
import type { TcpExchangeSpec, TcpLineDriverSpec } from './spec';

const DEFAULT_TERMINATOR = '\r\n';

const terminator = z.string({ error: 'expected the terminator as text, e.g. "\\r\\n"' }).min(1, { error: 'expected a non-empty terminator' });

export const tcpTargetShape = {
  port: portField,
  /** Sets both; sendTerminator / receiveTerminator override it one way. */
  terminator: terminator.optional(),
  sendTerminator: terminator.optional(),
  receiveTerminator: terminator.optional(),
  /** Regex of the greeting's last line, for devices that greet each connection (e.g. Extron SIS). */
  banner: regexField().optional(),
  timeouts,
  maxResponseBytes: maxResponseBytes(4_096),
};

export const tcpExchange = strictObject({ send: nonEmptyTextField, expect: regexField() });

const entry = strictObject({
  type: z.literal('tcp'),
  ...tcpTargetShape,
  probe: strictObject({ send: nonEmptyTextField, states: stateMatchers(regexField()) }),
  on: tcpExchange,
  off: tcpExchange,
  aspects: declaredAspects(strictObject({ send: nonEmptyTextField, value: regexField({ captureGroup: true }) }), tcpExchange),
});

export const tcpSchema: DriverSchema<typeof entry, TcpLineDriverSpec> = {
  entry,
  toSpec: (driver, host) => ({
    type: 'tcp',
    ...toTcpTarget(driver, host),
    probe: { send: driver.probe.send, states: toStates(driver.probe.states) },
    on: toExchange(driver.on),
    off: toExchange(driver.off),
    ...toDeclaredAspects(driver.aspects, (read) => ({ send: read.send, value: read.value }), toExchange),
  }),
};

export function toTcpTarget(target: z.output<z.ZodObject<typeof tcpTargetShape>>, host: string) {
  return {
    host,
    port: target.port,
    sendTerminator: target.sendTerminator ?? target.terminator ?? DEFAULT_TERMINATOR,
    receiveTerminator: target.receiveTerminator ?? target.terminator ?? DEFAULT_TERMINATOR,
    ...(target.banner === undefined ? {} : { banner: target.banner }),
    timeouts: toTimeouts(target.timeouts),
    maxResponseBytes: target.maxResponseBytes,
  };
}

export function toExchange(exchange: z.output<typeof tcpExchange>): TcpExchangeSpec {
  return { send: exchange.send, expect: exchange.expect };
}
