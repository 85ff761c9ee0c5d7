/**
 * Typed failures of device calls. Temporal turns a thrown error into an ApplicationFailure whose
 * type is the error's `name`, so every class names itself from domain/device-failures.ts, where
 * the workflow's retry policy finds the ones retrying cannot fix (`nonRetryableDeviceErrors`).
 */
import {
  DEVICE_AUTH,
  DEVICE_BUSY,
  DEVICE_CONFIG,
  DEVICE_ERROR,
  DEVICE_PROTOCOL,
  DEVICE_TIMEOUT,
  DEVICE_UNREACHABLE,
} from '../domain/device-failures';
import type { MachineTarget } from '../domain/types';

export interface DeviceErrorDetails {
  machineId: string;
  machineName: string;
  /** host:port or URL the call talked to. */
  address: string;
  /** What the call was doing, e.g. 'connect', 'await POWR reply'. */
  step: string;
  /** Since the driver call started. */
  elapsedMs: number;
  /** What went wrong, e.g. 'no reply within 3000 ms'. */
  problem: string;
  cause?: unknown;
}

export class DeviceError extends Error {
  override name: string = DEVICE_ERROR;
  readonly machineId: string;
  readonly machineName: string;
  readonly address: string;
  readonly step: string;
  readonly elapsedMs: number;
  readonly problem: string;

  constructor(details: DeviceErrorDetails) {
    super(
      `${details.machineId} "${details.machineName}" at ${details.address}: ${details.problem} ` +
        `at step "${details.step}" (elapsed ${details.elapsedMs} ms)`,
      details.cause === undefined ? undefined : { cause: details.cause },
    );
    this.machineId = details.machineId;
    this.machineName = details.machineName;
    this.address = details.address;
    this.step = details.step;
    this.elapsedMs = details.elapsedMs;
    this.problem = details.problem;
  }
}

/** Refused, reset, name resolution failed, or no connection within the connect deadline. */
export class DeviceUnreachableError extends DeviceError { override name = DEVICE_UNREACHABLE; }

/** Connected, but no complete reply within the response deadline. */
export class DeviceTimeoutError extends DeviceError { override name = DEVICE_TIMEOUT; }

/** Garbage, an unexpected or oversized reply, or a device-reported command error. */
export class DeviceProtocolError extends DeviceError { override name = DEVICE_PROTOCOL; }

/** The device rejected our credentials; retrying with the same ones cannot help. */
export class DeviceAuthError extends DeviceError { override name = DEVICE_AUTH; }

/** The device is warming up or cooling down and refuses commands until it is done. */
export class DeviceBusyError extends DeviceError { override name = DEVICE_BUSY; }

/** The machine's driver configuration cannot work (bad MAC, bad regex, missing password). */
export class DeviceConfigError extends DeviceError { override name = DEVICE_CONFIG; }

export type DeviceErrorClass = new (details: DeviceErrorDetails) => DeviceError;

/** One driver call's identity and start time, so every error it raises reads the same way. */
export class DeviceCallContext {
  readonly #machineId: string;
  readonly #machineName: string;
  readonly #address: string;
  readonly #startedAt = performance.now();

  constructor(target: MachineTarget, address: string) {
    this.#machineId = target.id;
    this.#machineName = target.name;
    this.#address = address;
  }

  elapsedMs(): number {
    return Math.round(performance.now() - this.#startedAt);
  }

  error(kind: DeviceErrorClass, step: string, problem: string, cause?: unknown): DeviceError {
    return new kind({
      machineId: this.#machineId,
      machineName: this.#machineName,
      address: this.#address,
      step,
      elapsedMs: this.elapsedMs(),
      problem,
      cause,
    });
  }

  /** The caller's signal aborted (Temporal cancelled the activity, or the caller's own timeout). */
  aborted(step: string, reason: unknown): DeviceError {
    const kind = reason instanceof Error && reason.name === 'TimeoutError' ? DeviceTimeoutError : DeviceError;
    return this.error(kind, step, `call aborted (${describeReason(reason)})`, reason);
  }
}

function describeReason(reason: unknown): string {
  if (reason instanceof Error) return reason.message ? `${reason.name}: ${reason.message}` : reason.name;
  return String(reason);
}

/** Quotes device output for a message: bounded, with control characters made visible. */
export function quote(text: string, maxChars = 80): string {
  const visible = JSON.stringify(text.length > maxChars ? text.slice(0, maxChars) : text);
  return text.length > maxChars ? `${visible}… (${text.length} chars)` : visible;
}
