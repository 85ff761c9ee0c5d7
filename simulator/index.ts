import { parseSimulatorConfig, type DeviceKind, type ResolvedConfigOf, type ResolvedDeviceConfig, type SimulatorConfig } from './config';
import { HttpPlayerDevice, type SimulatedPlayer } from './devices/http';
import { PduDevice, type SimulatedPdu } from './devices/pdu';
import { PjlinkDevice, type SimulatedProjector } from './devices/pjlink';
import { SwitchDevice } from './devices/switch';
import { TcpLineDevice, type SimulatedAmplifier } from './devices/tcp';
import { WolPcDevice } from './devices/wol';
import { isMainsPowered, type DeviceEventListener, type RunnableDevice, type SimulatedDevice } from './simulated-device';

export type { DeviceConfig, DeviceKind, Fault, SimulatorConfig } from './config';
export { loadSimulatorConfig, SimulatorConfigError, simulatorConfigSchema } from './config';
export type { CommandRecord, DeviceEvent, DeviceEventListener, SimulatedDevice } from './simulated-device';
export { InvalidFaultError, InvalidSettingError } from './simulated-device';
export type { SimulatedPower } from './power';
export type { AvMuteState, SimulatedProjector } from './devices/pjlink';
export type { SimulatedPlayer } from './devices/http';
export type { SimulatedAmplifier } from './devices/tcp';
export type { SimulatedPdu } from './devices/pdu';

/** What a device of each kind offers tests and the demo besides what every device has. */
export interface SimulatedDeviceOfKind {
  pjlink: SimulatedProjector;
  http: SimulatedPlayer;
  tcp: SimulatedAmplifier;
  wol: SimulatedDevice;
  pdu: SimulatedPdu;
  switch: SimulatedDevice;
}

export interface Simulator {
  devices: SimulatedDevice[];
  /** Throws UnknownDeviceError for an id not in the config. */
  device(id: string): SimulatedDevice;
  /** The device with its kind's control API; throws UnknownDeviceError for an unknown id or another kind. */
  device<K extends DeviceKind>(id: string, kind: K): SimulatedDeviceOfKind[K];
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
  plugIntoOutlets(devices);
  for (const device of devices) device.observe(options.onEvent);
  try {
    await Promise.all(devices.map((device) => device.start()));
  } catch (error) {
    await Promise.all(devices.map((device) => device.stop()));
    throw error;
  }

  return new RunningSimulator(devices);
}

class RunningSimulator implements Simulator {
  #stopped: Promise<void> | undefined;

  constructor(readonly devices: RunnableDevice[]) {}

  device(id: string): SimulatedDevice;
  device<K extends DeviceKind>(id: string, kind: K): SimulatedDeviceOfKind[K];
  device(id: string, kind?: DeviceKind): SimulatedDevice {
    const found = this.devices.find((device) => device.id === id);
    if (!found) throw new UnknownDeviceError(`no simulated device with id "${id}"`);
    if (kind !== undefined && found.kind !== kind) throw new UnknownDeviceError(`simulated device "${id}" is ${found.kind}, not ${kind}`);
    return found;
  }

  stop(): Promise<void> {
    this.#stopped ??= Promise.all(this.devices.map((device) => device.stop())).then(() => undefined);
    return this.#stopped;
  }
}

type DeviceClass<Config> = new (config: Config, host: string) => RunnableDevice;

const deviceClasses: { [K in DeviceKind]: DeviceClass<ResolvedConfigOf<K>> } = {
  pjlink: PjlinkDevice,
  http: HttpPlayerDevice,
  tcp: TcpLineDevice,
  wol: WolPcDevice,
  pdu: PduDevice,
  switch: SwitchDevice,
};

function createDevice(config: ResolvedDeviceConfig, host: string): RunnableDevice {
  const Device = deviceClasses[config.kind] as DeviceClass<ResolvedDeviceConfig>;
  return new Device(config, host);
}

/** Each PDU's outlets take the devices the config plugs into them (the config checked that they exist and are no PDUs). */
function plugIntoOutlets(devices: RunnableDevice[]): void {
  const byId = new Map(devices.map((device) => [device.id, device]));
  for (const pdu of devices) {
    if (!(pdu instanceof PduDevice)) continue;
    for (const [outlet, id] of Object.entries(pdu.wiring)) {
      const device = byId.get(id);
      if (device && isMainsPowered(device)) pdu.plug(Number(outlet), device);
    }
  }
}
