import type { MachineTarget, ObservedPower, Power, SecretRef } from '../../domain/types';

/** Resolves a credential on the worker; throws SecretMissingError when it is not configured. */
export type SecretResolver = (ref: SecretRef) => string;

export interface DriverCall {
  target: MachineTarget;
  /** The activity's cancellation; aborting it ends the call promptly with a DeviceError. */
  signal: AbortSignal;
  secrets: SecretResolver;
}

export interface PowerReading {
  power: ObservedPower;
  /** The device's raw answer, e.g. '%1POWR=3'. */
  detail: string;
}

export interface PowerDriver {
  probe(call: DriverCall): Promise<PowerReading>;
  setPower(call: DriverCall, power: Power): Promise<{ detail: string }>;
}
