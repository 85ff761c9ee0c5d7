/** The device host child process, seen from the benchmark. */
import path from 'node:path';
import { ask, startChild, type Child } from './child';
import type { RecordedArrivals } from './device-host';
import type { TakeArrivalsRequest } from './device-host-main';

export interface Devices {
  pid: number;
  baseUrl(loop: string, machineId: string): string;
  /** What the loop's devices recorded since the last take. */
  takeArrivals(loop: string): Promise<RecordedArrivals>;
  stop(): Promise<void>;
}

export async function startDevices(): Promise<Devices> {
  const child: Child = await startChild({
    name: 'device host',
    entry: path.join(__dirname, 'device-host-main.ts'),
    env: process.env,
    readyMessage: 'ready',
  });
  const { port } = child.ready as { port: number };
  return {
    pid: child.pid,
    baseUrl: (loop, machineId) => `http://127.0.0.1:${port}/${loop}/${machineId}`,
    takeArrivals: (loop) => ask<RecordedArrivals>(child, { type: 'take', loop } satisfies TakeArrivalsRequest, 'arrivals'),
    stop: () => child.stop(),
  };
}
