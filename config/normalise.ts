/** From the friendly file shape to the contract shapes of domain/types.ts, with every default applied. */
import { toDriverSpec } from '../activities/drivers/schemas';
import type { MachineSchedule, MachineSpec, ScheduleException, Weekday } from '../domain/types';
import { DEFAULT_GROUP, type VenueFile } from './schema';

export interface VenueConfig {
  /** The file it was read from, as given. */
  file: string;
  venue: { name: string; timezone: string };
  tickMs: number;
  machines: MachineSpec[];
}

type MachineEntry = VenueFile['machines'][number];
type ScheduleEntry = VenueFile['schedules'][string];

const WEEKDAYS: readonly Weekday[] = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];

export function toVenueConfig(venueFile: VenueFile, file: string): VenueConfig {
  return {
    file,
    venue: { name: venueFile.venue.name, timezone: venueFile.venue.timezone },
    tickMs: venueFile.controller.tick,
    machines: venueFile.machines.map((machine) => toMachineSpec(venueFile, machine)),
  };
}

function toMachineSpec(venueFile: VenueFile, machine: MachineEntry): MachineSpec {
  const groupName = machine.group ?? DEFAULT_GROUP;
  const group = venueFile.groups[groupName];
  // schema.ts has checked that the machine or its group names an existing schedule.
  const scheduleName = (machine.schedule ?? group?.schedule) as string;
  return {
    id: machine.id,
    name: machine.name ?? machine.id,
    address: machine.address,
    group: groupName,
    driver: toDriverSpec(machine.driver, machine.address),
    schedule: toMachineSchedule(venueFile.schedules[scheduleName] as ScheduleEntry, {
      name: scheduleName,
      timezone: venueFile.venue.timezone,
      leadMs: machine.lead ?? group?.lead ?? 0,
      lagMs: machine.lag ?? group?.lag ?? 0,
    }),
    tickMs: venueFile.controller.tick,
    failingAfter: venueFile.controller.failingAfter,
  };
}

function toMachineSchedule(
  entry: ScheduleEntry,
  resolved: Pick<MachineSchedule, 'name' | 'timezone' | 'leadMs' | 'lagMs'>,
): MachineSchedule {
  const weekly = Object.fromEntries(WEEKDAYS.map((day) => [day, entry.weekly?.[day] ?? entry.daily ?? []])) as Record<Weekday, string[]>;
  const exceptions = entry.exceptions
    .map(({ date, hours, note }): ScheduleException => ({ date, windows: hours ?? [], ...(note !== undefined && { note }) }))
    .sort((a, b) => a.date.localeCompare(b.date));
  return { ...resolved, weekly, exceptions };
}
