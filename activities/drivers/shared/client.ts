/** What every family's client is and shares: the driver interface, the spec check, state matching. */
import type { MachineTarget, ObservedPower, Power } from '../../../domain/types';
import { DeviceCallContext, DeviceConfigError } from '../../errors';
import type { DriverSpecOf, DriverType } from '../specs';
import type { SecretResolver, StateMatchers } from './spec';

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

/** The target's driver spec, checked: activity inputs arrive as JSON and may not match their driver. */
export function specOf<T extends DriverType>(target: MachineTarget, type: T): DriverSpecOf<T> {
  if (target.driver.type !== type) {
    throw new DeviceCallContext(target, target.address).error(
      DeviceConfigError,
      'select driver',
      `expected a "${type}" driver spec, got "${target.driver.type}"`,
    );
  }
  return target.driver as DriverSpecOf<T>;
}

const stateOrder = ['on', 'off', 'warming', 'cooling'] as const;

/** The first state (in the order on, off, warming, cooling) with a candidate that fits. */
export function matchState(states: StateMatchers, fits: (candidate: string) => boolean): ObservedPower | undefined {
  return stateOrder.find((state) => (states[state] ?? []).some(fits));
}

/** Compiles a configured regex; a broken one is a configuration error, not a device fault. */
export function compileRegex(context: DeviceCallContext, pattern: string, step: string): RegExp {
  try {
    return new RegExp(pattern);
  } catch (error) {
    throw context.error(DeviceConfigError, step, `invalid regex ${JSON.stringify(pattern)}`, error);
  }
}
