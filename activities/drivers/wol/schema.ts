/** The `driver:` block of a Wake-on-LAN PC in the venue file: its probe and power-off reuse the HTTP and TCP pieces. */
import { z } from 'zod';
import { ipAddressField, macField, portField, strictObject } from '../../../config/fields';
import { httpProbe, httpRequest, httpTargetShape, toHttpProbe, toHttpRequest, toHttpTarget, withEitherPortOrBaseUrl } from '../http/schema';
import { timeouts, toTimeouts, type DriverSchema } from '../shared/schema';
import { tcpExchange, tcpTargetShape, toExchange, toTcpTarget } from '../tcp/schema';
import type { WolDriverSpec } from './spec';

const wolProbe = z.discriminatedUnion('type', [
  strictObject({ type: z.literal('tcp-connect'), port: portField, timeouts }),
  withEitherPortOrBaseUrl(strictObject({ type: z.literal('http'), ...httpTargetShape, probe: httpProbe })),
]);

const wolOff = z.discriminatedUnion('type', [
  withEitherPortOrBaseUrl(strictObject({ type: z.literal('http'), ...httpTargetShape, request: httpRequest })),
  strictObject({ type: z.literal('tcp'), ...tcpTargetShape, exchange: tcpExchange }),
]);

const entry = strictObject({
  type: z.literal('wol'),
  mac: macField,
  broadcast: ipAddressField.default('255.255.255.255'),
  port: portField.default(9),
  probe: wolProbe,
  off: wolOff,
});

export const wolSchema: DriverSchema<typeof entry, WolDriverSpec> = {
  entry,
  toSpec: (driver, host) => ({
    type: 'wol',
    mac: driver.mac,
    broadcast: driver.broadcast,
    port: driver.port,
    probe: driver.probe.type === 'tcp-connect'
      ? { type: 'tcp-connect', host, port: driver.probe.port, timeouts: toTimeouts(driver.probe.timeouts) }
      : { type: 'http', ...toHttpTarget(driver.probe, host), probe: toHttpProbe(driver.probe.probe) },
    off: driver.off.type === 'http'
      ? { type: 'http', ...toHttpTarget(driver.off, host), request: toHttpRequest(driver.off.request) }
      : { type: 'tcp', ...toTcpTarget(driver.off, host), exchange: toExchange(driver.off.exchange) },
  }),
};
