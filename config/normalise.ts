/** From the friendly file shape to the contract shapes of domain/types.ts, with every default applied. */
import { toDriverSpec } from '../activities/drivers/schemas';
import { driverAspects, isProbeOnly, telemetryDeadlineMs, type DriverSpec } from '../activities/drivers/specs';
import type { MachineDependencies, PoweredBy } from '../domain/dependencies';
import type { ReadinessSpec } from '../domain/readiness';
import type { MachineSchedule, MachineSpec, ScheduleException, Weekday } from '../domain/types';
import { resolveMachineAspects, windowsAndScenes } from './aspects';
import { resolveDependencies } from './dependencies';
import { toNotificationsConfig, type NotificationsConfig } from './notifications';
import { DEFAULT_GROUP, type VenueFile } from './schema';

export interface VenueConfig {
  /** The file it was read from, as given. */
  file: string;
  venue: { name: string; timezone: string };
  tickMs: number;
  /** The names of the venue's scenes, which overrides may name. */
  scenes: string[];
  machines: MachineSpec[];
  /** When the doors-open and after-closing reports run; absent when the venue file has no `readiness:`. */
  readiness?: ReadinessSpec;
  /** Who hears the alerts; absent when the file has no `notifications:` section. */
  notifications?: NotificationsConfig;
}

type MachineEntry = VenueFile['machines'][number];
type GroupEntry = VenueFile['groups'][string];
type ScheduleEntry = VenueFile['schedules'][string];

const WEEKDAYS: readonly Weekday[] = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];

export function toVenueConfig(venueFile: VenueFile, file: string): VenueConfig {
  const { dependencies, poweredBy } = resolveDependencies(venueFile, DEFAULT_GROUP);
  return {
    file,
    venue: { name: venueFile.venue.name, timezone: venueFile.venue.timezone },
    tickMs: venueFile.controller.tick,
    scenes: Object.keys(venueFile.scenes),
    machines: venueFile.machines.map((machine, index) => toMachineSpec(venueFile, machine, { dependencies: dependencies[index], poweredBy: poweredBy[index] })),
    ...(venueFile.readiness && { readiness: readinessOf(venueFile, venueFile.readiness) }),
    ...(venueFile.notifications && { notifications: toNotificationsConfig(venueFile.notifications) }),
  };
}

function readinessOf(venueFile: VenueFile, readiness: NonNullable<VenueFile['readiness']>): ReadinessSpec {
  const { name, timezone } = venueFile.venue;
  // schema.ts has checked that the schedule exists.
  const openingHours = toMachineSchedule(venueFile.schedules[readiness.schedule] as ScheduleEntry, { name: readiness.schedule, timezone, leadMs: 0, lagMs: 0 });
  return {
    venue: { name, timezone },
    schedule: openingHours,
    beforeMs: readiness.before,
    afterClosingMs: readiness.afterClosing,
    recheckAfterMs: readiness.recheckAfter,
  };
}

function toMachineSpec(
  venueFile: VenueFile,
  machine: MachineEntry,
  neighbours: { dependencies: MachineDependencies | undefined; poweredBy: PoweredBy | undefined },
): MachineSpec {
  const groupName = machine.group ?? DEFAULT_GROUP;
  const group = venueFile.groups[groupName];
  const driver = toDriverSpec(machine.driver, machine.address);
  const { dependencies, poweredBy } = neighbours;
  return {
    id: machine.id,
    name: machine.name ?? machine.id,
    address: machine.address,
    group: groupName,
    driver,
    ...(isProbeOnly(driver) ? { schedule: alwaysOnSchedule(venueFile.venue.timezone), probeOnly: true } : switchedBy(venueFile, group, machine, driver)),
    tickMs: venueFile.controller.tick,
    failingAfter: venueFile.controller.failingAfter,
    ...(telemetryDeadlineMs(driver) !== undefined && { telemetryIntervalMs: venueFile.controller.telemetryInterval }),
    ...(dependencies && { dependencies }),
    ...(poweredBy && { poweredBy }),
  };
}

/** When a machine that takes commands is on, and what its aspects should be. */
function switchedBy(venueFile: VenueFile, group: GroupEntry | undefined, machine: MachineEntry, driver: DriverSpec): Pick<MachineSpec, 'schedule' | 'aspects'> {
  // schema.ts has checked that the machine or its group names an existing schedule.
  const scheduleName = (machine.schedule ?? group?.schedule) as string;
  const aspects = resolveMachineAspects(venueFile, group, machine, driverAspects(driver));
  return {
    schedule: toMachineSchedule(venueFile.schedules[scheduleName] as ScheduleEntry, {
      name: scheduleName,
      timezone: venueFile.venue.timezone,
      leadMs: machine.lead ?? group?.lead ?? 0,
      lagMs: machine.lag ?? group?.lag ?? 0,
    }),
    ...(aspects && { aspects }),
  };
}

/** A probe-only machine is watched around the clock: its state matters whenever anything needs it. */
function alwaysOnSchedule(timezone: string): MachineSchedule {
  return toMachineSchedule({ daily: ['00:00-24:00'], exceptions: [] }, { name: 'always (probe only)', timezone, leadMs: 0, lagMs: 0 });
}

function toMachineSchedule(
  entry: ScheduleEntry,
  resolved: Pick<MachineSchedule, 'name' | 'timezone' | 'leadMs' | 'lagMs'>,
): MachineSchedule {
  const windowScenes: Record<string, string> = {};
  const weekly = Object.fromEntries(WEEKDAYS.map((day) => [day, windowsAndScenes(entry.weekly?.[day] ?? entry.daily ?? [], windowScenes)])) as Record<Weekday, string[]>;
  const exceptions = entry.exceptions
    .map(({ date, hours, note }): ScheduleException => ({ date, windows: windowsAndScenes(hours ?? [], windowScenes), ...(note !== undefined && { note }) }))
    .sort((a, b) => a.date.localeCompare(b.date));
  return { ...resolved, weekly, exceptions, ...(Object.keys(windowScenes).length > 0 && { windowScenes }) };
}
