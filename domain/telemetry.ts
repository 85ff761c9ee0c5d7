/**
 * What a device reports about itself on the slower telemetry interval (PJLink LAMP, ERST, INST,
 * NAME, INF1, INF2, INFO, CLSS): read-only, never enforced, shown in the status and exported as metrics.
 */

export const DEVICE_COMPONENTS = ['fan', 'lamp', 'temperature', 'cover', 'filter', 'other'] as const;
export type DeviceComponent = (typeof DEVICE_COMPONENTS)[number];

export const COMPONENT_STATES = ['ok', 'warning', 'error'] as const;
export type ComponentState = (typeof COMPONENT_STATES)[number];

export interface Lamp {
  hours: number;
  lit: boolean;
}

export interface Telemetry {
  atMs: number;
  /** Absent when the device has no lamp (a laser or LED projector answers LAMP with ERR1). */
  lamps?: Lamp[];
  errors?: Record<DeviceComponent, ComponentState>;
  /** The input codes the device has (PJLink INST). */
  inputs?: string[];
  name?: string;
  manufacturer?: string;
  model?: string;
  info?: string;
  /** The PJLink class the device implements, '1' or '2'. */
  protocolClass?: string;
  /** Queries the device answered with an error, e.g. `LAMP: undefined command (ERR1)`. */
  unanswered?: string[];
}
