import type { DriverSpec, MachineTarget, ObservedPower, StateMatchers } from '../../domain/types';
import { DeviceCallContext, DeviceConfigError } from '../errors';

export type SpecOfType<T extends DriverSpec['type']> = Extract<DriverSpec, { type: T }>;

/** The target's driver spec, checked: activity inputs arrive as JSON and may not match their driver. */
export function specOf<T extends DriverSpec['type']>(target: MachineTarget, type: T): SpecOfType<T> {
  if (target.driver.type !== type) {
    throw new DeviceCallContext(target, target.address).error(
      DeviceConfigError,
      'select driver',
      `expected a "${type}" driver spec, got "${target.driver.type}"`,
    );
  }
  return target.driver as SpecOfType<T>;
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
