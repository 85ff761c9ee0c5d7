/**
 * The shapes that cross the boundary between configuration, workflows and activities.
 * Everything here travels through Temporal history, so it must never hold a secret. The driver
 * specs are their families' (activities/drivers/<type>/spec.ts).
 */
import type { DriverSpec } from '../activities/drivers/specs';
import type { MachineAspects } from './aspects';
import type { MachineDependencies, PoweredBy } from './dependencies';

export type Power = 'on' | 'off';

/** What a device reports. Warming and cooling are transitional: a controller waits them out. */
export type ObservedPower = Power | 'warming' | 'cooling';

/** "HH:MM-HH:MM" in venue local time; an end at or before the start crosses midnight. */
export type TimeWindow = string;

export type Weekday = 'monday' | 'tuesday' | 'wednesday' | 'thursday' | 'friday' | 'saturday' | 'sunday';

export interface ScheduleException {
  /** Local date, YYYY-MM-DD. */
  date: string;
  /** Replaces the weekday's windows for that date; an empty list means closed. */
  windows: TimeWindow[];
  note?: string;
}

/** One machine's schedule, fully resolved: the venue timezone and the machine's lead/lag applied. */
export interface MachineSchedule {
  /** IANA timezone, e.g. Europe/London. */
  timezone: string;
  /** Name of the venue schedule this came from, for display. */
  name: string;
  weekly: Record<Weekday, TimeWindow[]>;
  exceptions: ScheduleException[];
  /** Switch on this long before a window opens. */
  leadMs: number;
  /** Switch off this long after a window closes. */
  lagMs: number;
  /** The scene each window names, by the window as written; absent when no window names one. */
  windowScenes?: Record<TimeWindow, string>;
}

/** What an activity needs to reach a machine. */
export interface MachineTarget {
  id: string;
  name: string;
  /** Host or IP, for messages. */
  address: string;
  driver: DriverSpec;
}

/** One machine as its workflow sees it: configuration only, no state, no secrets. */
export interface MachineSpec extends MachineTarget {
  group: string;
  schedule: MachineSchedule;
  /** Period of the control loop; one minute in production, down to one second in tests. */
  tickMs: number;
  /** Consecutive failed checks after which the machine counts as failing. */
  failingAfter: number;
  /** What the venue wants of the machine's aspects beside power; absent when it names none. */
  aspects?: MachineAspects;
  /** How often the machine's telemetry is read; absent for a driver family that has none. */
  telemetryIntervalMs?: number;
  /**
   * Infrastructure that is watched, never switched (a network switch, a PDU as a whole): its
   * schedule is always on and it is sent no command.
   */
  probeOnly?: true;
  /** The machines it needs and that need it; absent when it has neither. */
  dependencies?: MachineDependencies;
  /** The PDU outlet that feeds it, which the controller may power-cycle; absent when none is declared. */
  poweredBy?: PoweredBy;
}
