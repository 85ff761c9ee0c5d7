import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest';
import type { DriverCall } from '../../activities/drivers';
import type { SecretResolver } from '../../activities/drivers/shared/spec';
import type { DriverSpec } from '../../activities/drivers/specs';
import { secretsFrom } from '../support/secrets';
import type { MachineTarget } from '../../domain/types';
import { startSimulator, type DeviceKind } from '../../simulator';

export const TIMEOUTS = { connectMs: 300, responseMs: 300 };
/** Room for event-loop latency on a busy 2-core machine; deadlines themselves are exact. */
export const DEADLINE_MARGIN_MS = 250;

type Simulator = Awaited<ReturnType<typeof startSimulator>>;
type SimulatorConfig = Parameters<typeof startSimulator>[0];
type Device = ReturnType<Simulator['device']>;

export function target(id: string, driver: DriverSpec): MachineTarget {
  return { id, name: `Test ${id}`, address: '127.0.0.1', driver };
}


export function callFor(
  machine: MachineTarget,
  options: { signal?: AbortSignal; secrets?: SecretResolver } = {},
): DriverCall {
  return {
    target: machine,
    signal: options.signal ?? new AbortController().signal,
    secrets: options.secrets ?? secretsFrom({}),
  };
}

/** The error a promise rejects with; fails the test when it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  const outcome = await promise.then(
    (value) => ({ resolved: value }),
    (error: unknown) => ({ rejected: error }),
  );
  if (!('rejected' in outcome)) throw new Error(`expected a rejection, got ${JSON.stringify(outcome.resolved)}`);
  expect(outcome.rejected).toBeInstanceOf(Error);
  return outcome.rejected as Error;
}

/** Runs fn and tells how long it took, whichever way it settled. */
export async function timed<T>(fn: () => Promise<T>): Promise<{ outcome: Promise<T>; ms: number }> {
  const started = performance.now();
  const outcome = fn();
  await outcome.catch(() => undefined);
  return { outcome, ms: performance.now() - started };
}

interface SocketCounts {
  tcp: number;
  udp: number;
  /** UDP sockets the process holds open, unref'd ones too (the active-resource list leaves those out; net-snmp unrefs an idle session's). */
  udpDescriptors: number;
}

function socketCounts(): SocketCounts {
  const resources = process.getActiveResourcesInfo();
  return {
    tcp: resources.filter((name) => name === 'TCPSocketWrap').length,
    udp: resources.filter((name) => name === 'UDPWrap').length,
    udpDescriptors: openUdpDescriptors(),
  };
}

/** The process's file descriptors that are UDP sockets: their inodes are in the kernel's UDP tables (Linux). */
function openUdpDescriptors(): number {
  const udpInodes = new Set<string>();
  for (const table of ['/proc/self/net/udp', '/proc/self/net/udp6']) {
    if (!existsSync(table)) continue;
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const inode = line.trim().split(/\s+/)[9];
      if (inode) udpInodes.add(inode);
    }
  }
  let count = 0;
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      const inode = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/self/fd/${fd}`))?.[1];
      if (inode && udpInodes.has(inode)) count++;
    } catch {
      // The descriptor closed while being listed (readdir's own among them).
    }
  }
  return count;
}

/** Handles close on a later turn of the event loop, so a leak is only a leak once this gives up. */
async function settledSocketCounts(expected: SocketCounts, devices: Device[]): Promise<SocketCounts> {
  const giveUpAt = Date.now() + 1000;
  for (;;) {
    const counts = socketCounts();
    const clean =
      counts.tcp === expected.tcp && counts.udp === expected.udp && counts.udpDescriptors === expected.udpDescriptors && devices.every((d) => d.openConnections === 0);
    if (clean || Date.now() > giveUpAt) return counts;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * Starts the simulator for the file and, around every test, resets each device (off, no fault; a PDU or a switch on)
 * and checks that the test left no socket open on either side.
 */
export function useSimulator(config: SimulatorConfig): Pick<Simulator, 'device'> {
  let simulator: Simulator | undefined;
  let before: SocketCounts = { tcp: 0, udp: 0, udpDescriptors: 0 };
  const running = (): Simulator => {
    if (!simulator) throw new Error('simulator not started');
    return simulator;
  };

  beforeAll(async () => {
    simulator = await startSimulator(config);
  });
  afterAll(async () => {
    await simulator?.stop();
  });
  beforeEach(() => {
    for (const device of running().devices) {
      device.setFault(undefined);
      // A PDU's and a switch's power is their own mains: off, they would answer nothing.
      device.setPower(device.kind === 'pdu' || device.kind === 'switch' ? 'on' : 'off');
    }
    before = socketCounts();
  });
  afterEach(async () => {
    const devices = running().devices;
    const after = await settledSocketCounts(before, devices);
    expect(after, 'client and device sockets after the test').toEqual(before);
    expect(devices.map((d) => [d.id, d.openConnections])).toEqual(devices.map((d) => [d.id, 0]));
  });

  return {
    device: ((id: string, kind?: DeviceKind) => (kind === undefined ? running().device(id) : running().device(id, kind))) as Simulator['device'],
  };
}
