import { parseSimulatorConfig, type DeviceKind, type ResolvedConfigOf, type ResolvedDeviceConfig, type SimulatorConfig } from './config';
import { HttpPlayerDevice } from './devices/http';
import { PjlinkDevice } from './devices/pjlink';
import { TcpLineDevice } from './devices/tcp';
import { WolPcDevice } from './devices/wol';
import type { DeviceEventListener, SimulatedDevice, SimulatedDeviceBase } from './simulated-device';

export type { DeviceConfig, DeviceKind, Fault, SimulatorConfig } from './config';
export { loadSimulatorConfig, SimulatorConfigError, simulatorConfigSchema } from './config';
export type { CommandRecord, DeviceEvent, DeviceEventListener, SimulatedDevice } from './simulated-device';
export { InvalidFaultError } from './simulated-device';
export type { SimulatedPower } from './power';

export interface Simulator {
  devices: SimulatedDevice[];
  /** Throws UnknownDeviceError for an id not in the config. */
  device(id: string): SimulatedDevice;
  /** Closes every listener and socket; idempotent. */
  stop(): Promise<void>;
}

export class UnknownDeviceError extends Error {
  override readonly name = 'UnknownDeviceError';
}

export interface SimulatorOptions {
  /** Sees every connection and command of every device from the start, e.g. to write a log. */
  onEvent?: DeviceEventListener;
}

/**
 * Starts every configured device on loopback (or config.host). Throws SimulatorConfigError for an
 * invalid config; when a port cannot be bound, stops what already started and rethrows.
 */
export async function startSimulator(config: SimulatorConfig, options: SimulatorOptions = {}): Promise<Simulator> {
  const resolved = parseSimulatorConfig(config);
  const devices = resolved.devices.map((device) => createDevice(device, device.host ?? resolved.host));
  for (const device of devices) device.observe(options.onEvent);
  try {
    await Promise.all(devices.map((device) => device.start()));
  } catch (error) {
    await Promise.all(devices.map((device) => device.stop()));
    throw error;
  }

  let stopped: Promise<void> | undefined;
  return {
    devices,
    device(id) {
      const found = devices.find((device) => device.id === id);
      if (!found) throw new UnknownDeviceError(`no simulated device with id "${id}"`);
      return found;
    },
    stop() {
      stopped ??= Promise.all(devices.map((device) => device.stop())).then(() => undefined);
      return stopped;
    },
  };
}

type DeviceClass<Config> = new (config: Config, host: string) => SimulatedDeviceBase;

const deviceClasses: { [K in DeviceKind]: DeviceClass<ResolvedConfigOf<K>> } = {
  pjlink: PjlinkDevice,
  http: HttpPlayerDevice,
  tcp: TcpLineDevice,
  wol: WolPcDevice,
};

function createDevice(config: ResolvedDeviceConfig, host: string): SimulatedDeviceBase {
  const Device = deviceClasses[config.kind] as DeviceClass<ResolvedDeviceConfig>;
  return new Device(config, host);
}
