import type { MachineSchedule, ObservedPower, Power } from './types';
import { isScheduledOn } from './schedule';

/** Something an operator set that lasts until `untilMs`, or until cleared when open-ended. */
export interface TimedControl {
  untilMs?: number;
  reason: string;
  by: string;
  atMs: number;
}

export interface Override extends TimedControl {
  power: Power;
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
  if (override && isInEffect(override, atMs)) return { power: override.power, source: 'override' };
  return { power: isScheduledOn(schedule, atMs) ? 'on' : 'off', source: 'schedule' };
}

export type Decision = 'in-sync' | 'transitional' | 'command';

/**
 * Whether to send a command. A device that is warming up or cooling down rejects commands
 * (PJLink ERR3) and must not be hammered: wait for it to settle, even when it is heading the wrong way.
 */
export function decide(desired: Power, observed: ObservedPower): Decision {
  if (observed === 'warming' || observed === 'cooling') return 'transitional';
  return observed === desired ? 'in-sync' : 'command';
}
