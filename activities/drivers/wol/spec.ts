/** PCs and media servers switched on by Wake-on-LAN: what a machine's `driver:` block becomes, and what it costs in time. */
import { httpSteps, type HttpDriverSpec, type HttpRequestSpec } from '../http/spec';
import { sumOfSteps, type DriverFamilySpec, type DriverTimeouts } from '../shared/spec';
import { tcpSteps, type TcpExchangeSpec, type TcpLineDriverSpec } from '../tcp/spec';

/** A PC's "is it up" check: the agent port accepts a TCP connection, or an HTTP probe. */
export type WolProbeSpec =
  | { type: 'tcp-connect'; host: string; port: number; timeouts: DriverTimeouts }
  | Omit<HttpDriverSpec, 'on' | 'off' | 'type'> & { type: 'http' };

/** How a PC is switched off: an HTTP call to its agent, or a TCP line command. */
export type WolOffSpec =
  | (Omit<HttpDriverSpec, 'probe' | 'on' | 'off' | 'type'> & { type: 'http'; request: HttpRequestSpec })
  | (Omit<TcpLineDriverSpec, 'probe' | 'on' | 'off' | 'type'> & { type: 'tcp'; exchange: TcpExchangeSpec });

export interface WolDriverSpec {
  type: 'wol';
  /** aa:bb:cc:dd:ee:ff */
  mac: string;
  /** Where the magic packet goes: the subnet's broadcast address in the field, loopback in tests. */
  broadcast: string;
  port: number;
  probe: WolProbeSpec;
  off: WolOffSpec;
}

/** Sending a UDP datagram is local; this bounds a stuck socket, not the network. */
export const MAGIC_PACKET_DEADLINE_MS = 1000;

/** The slowest of the probe, the magic packet and the power-off command. */
function wolDeadlineMs(spec: WolDriverSpec): number {
  const probe = spec.probe.type === 'tcp-connect' ? spec.probe.timeouts.connectMs : sumOfSteps(httpSteps(spec.probe));
  const off = spec.off.type === 'http' ? sumOfSteps(httpSteps(spec.off)) : sumOfSteps(tcpSteps(spec.off));
  return Math.max(probe, MAGIC_PACKET_DEADLINE_MS, off);
}

export const wolFamily: DriverFamilySpec<WolDriverSpec> = {
  label: 'Wake-on-LAN',
  deadlineMs: wolDeadlineMs,
  aspects: () => ({}),
  secretRefs: (spec) => [
    spec.probe.type === 'http' ? spec.probe.bearerToken : undefined,
    spec.off.type === 'http' ? spec.off.bearerToken : undefined,
  ],
};
