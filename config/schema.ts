/**
 * The venue file as operators write it (see config/example-venue.yaml), validated in one pass.
 * Cross-references are checked last, once every part has the right shape.
 */
import { z } from 'zod';
import { driverSchema, toDriverSpec } from '../activities/drivers/schemas';
import { DRIVER_TYPES, isProbeOnly, type DriverType } from '../activities/drivers/specs';
import {
  dateField,
  durationField,
  hostField,
  idField,
  nonEmptyTextField,
  positiveIntegerField,
  strictObject,
  timeZoneField,
} from './fields';
import { aspectValuesField, checkAspects, windowEntryField } from './aspects';
import { checkDependencies, dependencySettingsField, dependsOnField, poweredByField, powerCycleSettingsField, powerCycleSwitchField } from './dependencies';
import { declaredNames, OMIT_INPUT } from './issues';
import { readinessField } from './readiness';
import { checkNotifications, notificationsSchema } from './notifications';

/** Machines without a `group:` belong here; declaring a group of this name gives them settings. */
export const DEFAULT_GROUP = 'ungrouped';

/** The `type` of a machine's `driver:` block, for the API's answers that name it. */
export const driverTypeSchema = z.enum(DRIVER_TYPES as [DriverType, ...DriverType[]]);

const MAX_LEAD_LAG_MS = 12 * 3_600_000;

/** What says when and how a machine is switched: nothing a probe-only machine takes. */
const SWITCHING_KEYS = ['schedule', 'lead', 'lag', 'scene', 'aspects'] as const;

const windows = z.array(windowEntryField, { error: 'expected a list of time windows like ["10:00-18:00"], [] when closed' });

const weekly = strictObject({
  monday: windows.optional(),
  tuesday: windows.optional(),
  wednesday: windows.optional(),
  thursday: windows.optional(),
  friday: windows.optional(),
  saturday: windows.optional(),
  sunday: windows.optional(),
});

const exception = strictObject({
  date: dateField,
  closed: z.literal(true, { error: 'expected true; leave closed out when giving hours' }).optional(),
  hours: windows.optional(),
  note: z.string({ error: 'expected text' }).optional(),
}).superRefine((entry, context) => {
  if ((entry.closed === undefined) === (entry.hours === undefined)) {
    context.addIssue({ code: 'custom', params: OMIT_INPUT, message: 'give either closed: true or hours: [...]' });
  }
});

const schedule = strictObject({
  weekly: weekly.optional(),
  /** Windows for every weekday not listed under weekly. */
  daily: windows.optional(),
  exceptions: z.array(exception).default([]),
}).superRefine((entry, context) => {
  const firstIndexByDate = new Map<string, number>();
  entry.exceptions.forEach(({ date }, index) => {
    const firstIndex = firstIndexByDate.get(date);
    if (firstIndex === undefined) firstIndexByDate.set(date, index);
    else context.addIssue({ code: 'custom', params: OMIT_INPUT, path: ['exceptions', index, 'date'], message: `${date} already has an exception (exceptions[${firstIndex}])` });
  });
});

const leadOrLag = durationField({ maxMs: MAX_LEAD_LAG_MS });

const group = strictObject({
  schedule: idField.optional(),
  lead: leadOrLag.optional(),
  lag: leadOrLag.optional(),
  scene: idField.optional(),
  aspects: aspectValuesField.optional(),
  dependsOn: dependsOnField.optional(),
  powerCycle: powerCycleSwitchField.optional(),
});

const machine = strictObject({
  id: idField,
  name: nonEmptyTextField.optional(),
  group: idField.optional(),
  address: hostField,
  schedule: idField.optional(),
  lead: leadOrLag.optional(),
  lag: leadOrLag.optional(),
  scene: idField.optional(),
  aspects: aspectValuesField.optional(),
  dependsOn: dependsOnField.optional(),
  poweredBy: poweredByField.optional(),
  powerCycle: powerCycleSwitchField.optional(),
  driver: driverSchema,
});

export const venueFileSchema = strictObject({
  venue: strictObject({ name: nonEmptyTextField, timezone: timeZoneField }),
  controller: strictObject({
    tick: durationField({ minMs: 1_000 }).default(60_000),
    failingAfter: positiveIntegerField(1_000).default(2),
    /** How often devices that report telemetry (PJLink lamp hours, error status) are asked. */
    telemetryInterval: durationField({ minMs: 60_000 }).default(3_600_000),
    dependencies: dependencySettingsField,
    powerCycle: powerCycleSettingsField,
  }).prefault({}),
  schedules: z.record(idField, schedule),
  scenes: z.record(idField, aspectValuesField).default({}),
  groups: z.record(idField, group).default({}),
  machines: z.array(machine).min(1, { error: 'expected at least one machine' }),
  readiness: readinessField.optional(),
  /** Who hears the alerts (config/notifications.ts); without it nobody is notified. */
  notifications: notificationsSchema.optional(),
}).superRefine(checkReferences);

export type VenueFile = z.output<typeof venueFileSchema>;

function checkReferences(venue: VenueFile, context: z.RefinementCtx): void {
  const addIssue = (path: (string | number)[], message: string) => context.addIssue({ code: 'custom', params: OMIT_INPUT, path, message });
  const scheduleNames = Object.keys(venue.schedules);
  const groupNames = Object.keys(venue.groups);
  const unknownSchedule = (name: string) => `unknown schedule "${name}"; ${declaredNames('schedules', scheduleNames)}`;

  if (venue.readiness && !venue.schedules[venue.readiness.schedule]) {
    addIssue(['readiness', 'schedule'], unknownSchedule(venue.readiness.schedule));
  }
  for (const [name, { schedule: scheduleName }] of Object.entries(venue.groups)) {
    if (scheduleName !== undefined && !venue.schedules[scheduleName]) {
      addIssue(['groups', name, 'schedule'], unknownSchedule(scheduleName));
    }
  }

  const firstIndexById = new Map<string, number>();
  venue.machines.forEach((entry, index) => {
    const firstIndex = firstIndexById.get(entry.id);
    if (firstIndex === undefined) firstIndexById.set(entry.id, index);
    else addIssue(['machines', index, 'id'], `duplicate id "${entry.id}" (also machines[${firstIndex}])`);

    const groupName = entry.group ?? DEFAULT_GROUP;
    if (entry.group !== undefined && !venue.groups[entry.group]) {
      addIssue(['machines', index, 'group'], `unknown group "${entry.group}"; ${declaredNames('groups', groupNames)}`);
      return;
    }
    if (isProbeOnly(toDriverSpec(entry.driver, entry.address))) {
      for (const key of SWITCHING_KEYS) {
        if (entry[key] !== undefined) {
          addIssue(['machines', index, key], `${entry.id} is only watched, never switched (its ${entry.driver.type} driver is probe-only), so it takes no ${key}; remove it`);
        }
      }
    } else if (entry.schedule !== undefined && !venue.schedules[entry.schedule]) {
      addIssue(['machines', index, 'schedule'], unknownSchedule(entry.schedule));
    } else if (entry.schedule === undefined && venue.groups[groupName]?.schedule === undefined) {
      addIssue(
        ['machines', index],
        entry.group === undefined ? 'no schedule: give the machine a schedule, or a group that has one' : `no schedule: give the machine a schedule, or its group "${entry.group}" one`,
      );
    }
  });
  checkAspects(venue, addIssue, DEFAULT_GROUP);
  checkDependencies(venue, addIssue, DEFAULT_GROUP);
  if (venue.notifications) {
    const zones = [...new Set([...groupNames, ...venue.machines.map((entry) => entry.group ?? DEFAULT_GROUP)])];
    checkNotifications(venue.notifications, zones, addIssue);
  }
}
