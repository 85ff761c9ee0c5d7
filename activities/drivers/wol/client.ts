/**
 * PCs and media servers: Wake-on-LAN to switch on, the machine's own agent (HTTP or a TCP line
 * command) to switch off, and a TCP connect or HTTP probe to see whether it is up.
 */
import dgram from 'node:dgram';
import net from 'node:net';
import type { Power } from '../../../domain/types';
import { DeviceCallContext, DeviceConfigError, DeviceTimeoutError, DeviceUnreachableError } from '../../errors';
import { withLineConnection } from '../../net/line-client';
import { settle } from '../../net/settle';
import { describeSocketError, errorCode } from '../../net/socket-errors';
import { commandHttp, probeHttp } from '../http/client';
import { specOf, type DriverCall, type DeviceDriver, type PowerReading } from '../shared/client';
import { commandTcp } from '../tcp/client';
import { MAGIC_PACKET_DEADLINE_MS, type WolDriverSpec, type WolProbeSpec } from './spec';

/** What a PC that is switched off does to a connection attempt: refuse it, or let it time out. */
const poweredOffCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'EHOSTDOWN', 'ETIMEDOUT']);

export const wolDriver: DeviceDriver = {
  async probe(call: DriverCall): Promise<PowerReading> {
    const { probe } = specOf(call.target, 'wol');
    if (probe.type === 'tcp-connect') return probeTcpConnect(call, probe);
    try {
      return await probeHttp(call, probe, probe.probe);
    } catch (error) {
      // The agent runs on the PC: no connection to it means the PC is off, as for tcp-connect.
      if (error instanceof DeviceUnreachableError && error.step === 'connect' && meansPoweredOff(error)) {
        return { power: 'off', detail: `${error.address}: ${error.problem}` };
      }
      throw error;
    }
  },

  setPower(call: DriverCall, power: Power): Promise<{ detail: string }> {
    const spec = specOf(call.target, 'wol');
    if (power === 'on') return sendMagicPacket(call, spec);
    const off = spec.off;
    return off.type === 'http' ? commandHttp(call, off, off.request) : commandTcp(call, off, off.exchange);
  },
};

/** Accepted means on; refused or no answer in time means off, which is not an error. */
async function probeTcpConnect(
  call: DriverCall,
  probe: Extract<WolProbeSpec, { type: 'tcp-connect' }>,
): Promise<PowerReading> {
  const address = `${probe.host}:${probe.port}`;
  const options = { host: probe.host, port: probe.port, context: new DeviceCallContext(call.target, address), signal: call.signal };
  try {
    await withLineConnection(options, probe.timeouts.connectMs, async () => undefined);
    return { power: 'on', detail: `${address} accepted a connection` };
  } catch (error) {
    if (error instanceof DeviceUnreachableError && meansPoweredOff(error)) {
      return { power: 'off', detail: `${address}: ${error.problem}` };
    }
    throw error;
  }
}

function meansPoweredOff(error: DeviceUnreachableError): boolean {
  // Without a cause the connect deadline passed: the PC drops packets silently.
  return error.cause === undefined || poweredOffCodes.has(errorCode(error.cause) ?? '');
}

async function sendMagicPacket(call: DriverCall, spec: WolDriverSpec): Promise<{ detail: string }> {
  const step = 'send magic packet';
  const address = `${spec.broadcast}:${spec.port}`;
  const context = new DeviceCallContext(call.target, address);
  const packet = magicPacket(context, spec.mac);
  const family = net.isIPv6(spec.broadcast) ? 'udp6' : 'udp4';
  await settle<void>(call.signal, (reason) => context.aborted(step, reason), ({ resolve, reject, deadline, cleanup }) => {
    const socket = dgram.createSocket(family);
    let socketOpen = true;
    cleanup(() => {
      socketOpen = false;
      socket.close();
    });
    deadline(MAGIC_PACKET_DEADLINE_MS, () => {
      throw context.error(DeviceTimeoutError, step, `not sent within ${MAGIC_PACKET_DEADLINE_MS} ms`);
    });
    socket.on('error', (error) => reject(context.error(DeviceUnreachableError, step, describeSocketError(error), error)));
    socket.bind(() => {
      if (!socketOpen) return;
      // Without the subnet mask a broadcast address cannot be told from a host address, and
      // SO_BROADCAST changes nothing for unicast, so IPv4 sends always allow broadcast.
      if (family === 'udp4') socket.setBroadcast(true);
      socket.send(packet, spec.port, spec.broadcast, (error) => {
        if (error) reject(context.error(DeviceUnreachableError, step, describeSocketError(error), error));
        else resolve();
      });
    });
  });
  return { detail: `magic packet for ${spec.mac} sent to ${address}` };
}

/** 6 x 0xFF, then the MAC 16 times: 102 bytes. */
function magicPacket(context: DeviceCallContext, mac: string): Buffer {
  const hex = mac.replace(/[:.-]/g, '');
  if (!/^[0-9a-f]{12}$/i.test(hex)) {
    throw context.error(DeviceConfigError, 'build magic packet', `invalid MAC address ${JSON.stringify(mac)}`);
  }
  const macBytes = Buffer.from(hex, 'hex');
  return Buffer.concat([Buffer.alloc(6, 0xff), ...Array.from({ length: 16 }, () => macBytes)]);
}
