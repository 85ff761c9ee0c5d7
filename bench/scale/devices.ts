/**
 * The benchmark's devices: N healthy HTTP media players (the simulator's `http` kind, switched on,
 * answering at once), each on its own loopback address, in one simulator process
 * (simulator/cli.ts) that every loop of the run talks to in turn. Its event log records when
 * each connection reached a device: the arrival of a check, as the device saw it.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { readDeviceEvents, type DeviceCommand } from '../../harness/device-events';
import { startSimulatorProcess, type SimulatedDeviceAddress } from '../../harness/processes';
import { simulatorConfigFor, type BenchDevice } from '../../harness/venue-files';
import type { Arrival } from './lateness';

export interface Devices {
  pid: number;
  addresses: SimulatedDeviceAddress[];
  /** Connections accepted from `fromMs` until `untilMs`, by device (= machine) id. */
  arrivals(fromMs: number, untilMs: number): Promise<Arrival[]>;
  /** Power commands received in the interval: a healthy run sends none. */
  commands(fromMs: number, untilMs: number): Promise<number>;
  /** Every command a device received in the interval (accepted or rejected), in order. */
  commandLog(fromMs: number, untilMs: number): Promise<DeviceCommand[]>;
  stop(): Promise<void>;
}

/** Starting thousands of listeners takes a while on a busy machine. */
const READY_TIMEOUT_MS = 300_000;

/** How the devices start: on and answering at once, unless a benchmark wants an opening. */
export interface DeviceStart {
  initialPower: BenchDevice['initialPower'];
  /** Boot and shutdown time of every device. */
  transitionMs: number;
}

const HEALTHY_AND_ON: DeviceStart = { initialPower: 'on', transitionMs: 0 };

export async function startDevices(ids: string[], workDir: string, start: DeviceStart = HEALTHY_AND_ON): Promise<Devices> {
  const devices: BenchDevice[] = ids.map((id) => ({ id, kind: 'http', initialPower: start.initialPower, transitionMs: start.transitionMs }));
  const configFile = path.join(workDir, 'devices.json');
  const eventLogFile = path.join(workDir, 'device-events.jsonl');
  await writeFile(configFile, JSON.stringify(simulatorConfigFor(devices)));
  const simulator = await startSimulatorProcess({ configFile, eventLogFile, readyTimeoutMs: READY_TIMEOUT_MS });
  const eventsBetween = async (fromMs: number, untilMs: number) =>
    (await readDeviceEvents(eventLogFile)).filter((event) => event.at >= fromMs && event.at < untilMs);
  return {
    pid: simulator.child.pid,
    addresses: simulator.devices,
    async arrivals(fromMs, untilMs) {
      const events = await eventsBetween(fromMs, untilMs);
      return events.flatMap((event) => (event.type === 'connected' ? [{ machineId: event.device, atMs: event.at }] : []));
    },
    async commands(fromMs, untilMs) {
      return (await eventsBetween(fromMs, untilMs)).filter((event) => event.type === 'command').length;
    },
    async commandLog(fromMs, untilMs) {
      const events = await eventsBetween(fromMs, untilMs);
      return events.flatMap((event) => (event.type === 'command' ? [{ device: event.device, at: event.at, command: event.command }] : []));
    },
    stop: () => simulator.stop(),
  };
}
