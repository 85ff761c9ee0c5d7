import type { AspectOverride } from './aspects';
import type { MachineSchedule, Power } from './types';
import { isScheduledOn } from './schedule';

/** Something an operator set that lasts until `untilMs`, or until cleared when open-ended. */
export interface TimedControl {
  untilMs?: number;
  reason: string;
  by: string;
  atMs: number;
}

/** Forces power, a scene or single aspects, or any of them together; what it leaves out follows the schedule. */
export interface Override extends TimedControl, AspectOverride {
  power?: Power;
}

export type Maintenance = TimedControl;

export function isInEffect(control: TimedControl | undefined, atMs: number): boolean {
  return control !== undefined && (control.untilMs === undefined || atMs < control.untilMs);
}

export interface DesiredPower {
  power: Power;
  source: 'schedule' | 'override';
}

/** The state a machine should be in at `atMs`: an override in effect beats the schedule. */
export function desiredPower(schedule: MachineSchedule, override: Override | undefined, atMs: number): DesiredPower {
  if (override?.power !== undefined && isInEffect(override, atMs)) return { power: override.power, source: 'override' };
  return { power: isScheduledOn(schedule, atMs) ? 'on' : 'off', source: 'schedule' };
}
