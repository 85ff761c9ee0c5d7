/** What every family's client is and shares: the driver interface, the spec check, state and value matching. */
import type { AspectSpec, AspectValue, AspectValues } from '../../../domain/aspects';
import type { Telemetry } from '../../../domain/telemetry';
import type { MachineTarget, ObservedPower, Power } from '../../../domain/types';
import { DeviceCallContext, DeviceConfigError, DeviceProtocolError, quote, type DeviceError } from '../../errors';
import type { DriverSpecOf, DriverType } from '../specs';
import type { BooleanWords, SecretResolver, StateMatchers } from './spec';

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
  /** The aspects asked for, read in the same call, once the device is on (a device warming up, cooling down or off is not asked). */
  aspects?: AspectValues;
}

export interface DeviceDriver {
  /** Reads power and, when the device is on, the named aspects, on one connection where the protocol has one. */
  probe(call: DriverCall, aspectReads?: readonly string[]): Promise<PowerReading>;
  setPower(call: DriverCall, power: Power): Promise<{ detail: string }>;
  /** Families with aspects. */
  setAspect?(call: DriverCall, aspect: string, value: AspectValue): Promise<{ detail: string }>;
  /** Families that report telemetry. */
  readTelemetry?(call: DriverCall): Promise<Omit<Telemetry, 'atMs'>>;
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

/** A power command to a probe-only machine (DriverFamilySpec.probeOnly): a configuration error, which is never retried. */
export function probeOnlyError(context: DeviceCallContext, step: string, why: string): DeviceError {
  return context.error(DeviceConfigError, step, `the machine is probe only: ${why}; it takes no power commands`);
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

/** A generic driver's reading of a declared aspect as its value: a number, a boolean by the device's words, or the text. */
export function aspectValueOf(context: DeviceCallContext, step: string, aspect: { value: AspectSpec; words?: BooleanWords }, text: string): AspectValue {
  if (aspect.value.kind === 'number') {
    const value = Number(text.trim());
    if (text.trim() === '' || !Number.isFinite(value)) throw context.error(DeviceProtocolError, step, `expected a number, got ${quote(text)}`);
    return value;
  }
  if (aspect.value.kind === 'boolean') {
    const words = aspect.words ?? { true: 'true', false: 'false' };
    if (text === words.true) return true;
    if (text === words.false) return false;
    throw context.error(DeviceProtocolError, step, `expected ${quote(words.true)} or ${quote(words.false)}, got ${quote(text)}`);
  }
  return text;
}

/** A value as a generic driver writes it into a set request's `{value}`. */
export function wireValueOf(aspect: { value: AspectSpec; words?: BooleanWords }, value: AspectValue): string {
  if (typeof value === 'boolean') return value ? (aspect.words?.true ?? 'true') : (aspect.words?.false ?? 'false');
  return String(value);
}

export function withValue(template: string, wireValue: string): string {
  return template.replaceAll('{value}', wireValue);
}
