/**
 * Aspects and scenes in the venue file: `scenes:` at the top, `scene:` and `aspects:` on groups and
 * machines, `{ hours, scene }` windows in schedules. Checked against each machine's driver once the
 * whole file has its shape, and resolved into each machine's MachineAspects.
 */
import { z } from 'zod';
import { toDriverSpec } from '../activities/drivers/schemas';
import { driverAspects, isProbeOnly } from '../activities/drivers/specs';
import { valueProblem, type AspectSpecs, type AspectValues, type MachineAspects } from '../domain/aspects';
import { aspectNameField, idField, strictObject, timeWindowField } from './fields';
import { declaredNames } from './issues';

const aspectValue = z.union([z.string(), z.number(), z.boolean()], { error: 'expected text, a number or true/false' });

/** `{ input: HDMI1, mute: false, volume: 60 }` */
export const aspectValuesField = z.record(aspectNameField, aspectValue);

/** A window as text, or with the scene the machines take while it is open. */
export const windowEntryField = z.union([timeWindowField, strictObject({ hours: timeWindowField, scene: idField })], {
  error: 'expected a time window like "10:00-18:00", or { hours: "18:00-22:00", scene: <name> }',
});
export type WindowEntry = z.output<typeof windowEntryField>;

/** The parts of the parsed venue file aspects and scenes touch. */
interface AspectLayers {
  scene?: string | undefined;
  aspects?: AspectValues | undefined;
}
interface VenueAspects {
  scenes: Record<string, AspectValues>;
  schedules: Record<string, { weekly?: Partial<Record<string, WindowEntry[] | undefined>> | undefined; daily?: WindowEntry[] | undefined; exceptions: { hours?: WindowEntry[] | undefined }[] }>;
  groups: Record<string, AspectLayers & { schedule?: string | undefined }>;
  machines: (AspectLayers & { id: string; group?: string | undefined; schedule?: string | undefined; address: string; driver: Parameters<typeof toDriverSpec>[0] })[];
}

type Path = (string | number)[];
type AddIssue = (path: Path, message: string) => void;

/**
 * Every scene named exists; every aspect named is one some machine it applies to has; every value
 * is one the driver of each machine it applies to can set. A scene applies to the machines whose
 * entry, group or schedule names it; an override may name it for any machine, which then takes
 * only the values it can set (resolveMachineAspects).
 */
export function checkAspects(venue: VenueAspects, addIssue: AddIssue, defaultGroup: string): void {
  const sceneNames = Object.keys(venue.scenes);
  const checkScene = (scene: string | undefined, path: Path) => {
    if (scene !== undefined && !venue.scenes[scene]) {
      addIssue(path, `unknown scene "${scene}"; ${declaredNames('scenes', sceneNames)}`);
    }
  };
  for (const [name, schedule] of Object.entries(venue.schedules)) checkWindowScenes(name, schedule, addIssue, checkScene);

  const machines = venue.machines.map((machine, index) => {
    const driver = toDriverSpec(machine.driver, machine.address);
    return { machine, index, aspects: driverAspects(driver), probeOnly: isProbeOnly(driver), namedScenes: scenesNamedFor(venue, machine, defaultGroup) };
  });
  const everyAspect = new Set(machines.flatMap(({ aspects }) => Object.keys(aspects)));

  for (const [name, group] of Object.entries(venue.groups)) {
    checkScene(group.scene, ['groups', name, 'scene']);
    const members = machines.filter(({ machine }) => (machine.group ?? defaultGroup) === name);
    for (const aspect of Object.keys(group.aspects ?? {})) {
      if (!members.some(({ aspects }) => aspects[aspect] !== undefined)) {
        addIssue(['groups', name, 'aspects', aspect], `no machine of group "${name}" has an aspect "${aspect}"${members.length === 0 ? ' (the group has no machines)' : ''}`);
      }
    }
    checkValues(group.aspects, ['groups', name, 'aspects'], members, addIssue);
  }
  for (const [name, values] of Object.entries(venue.scenes)) {
    const naming = machines.filter(({ namedScenes }) => namedScenes.has(name));
    for (const aspect of Object.keys(values)) {
      if (!everyAspect.has(aspect)) addIssue(['scenes', name, aspect], `no machine of the venue has an aspect "${aspect}"; ${knownAspects(everyAspect, 'the venue has')}`);
    }
    checkValues(values, ['scenes', name], naming, addIssue);
  }
  for (const entry of machines) {
    const { machine, index, aspects, probeOnly } = entry;
    // A probe-only machine's scene and aspects are errors of their own (checkReferences): it is only watched.
    if (probeOnly) continue;
    checkScene(machine.scene, ['machines', index, 'scene']);
    for (const aspect of Object.keys(machine.aspects ?? {})) {
      if (aspects[aspect] === undefined) {
        addIssue(['machines', index, 'aspects', aspect], `the ${machine.driver.type} driver has no aspect "${aspect}"; ${knownAspects(new Set(Object.keys(aspects)), 'it has')}`);
      }
    }
    checkValues(machine.aspects, ['machines', index, 'aspects'], [entry], addIssue);
  }
}

function checkWindowScenes(name: string, schedule: VenueAspects['schedules'][string], addIssue: AddIssue, checkScene: (scene: string | undefined, path: Path) => void): void {
  const sceneByWindow = new Map<string, string>();
  const visit = (windows: WindowEntry[] | undefined, path: Path) =>
    windows?.forEach((window, index) => {
      if (typeof window === 'string') return;
      checkScene(window.scene, [...path, index, 'scene']);
      const earlier = sceneByWindow.get(window.hours);
      if (earlier !== undefined && earlier !== window.scene) {
        addIssue([...path, index, 'scene'], `window ${window.hours} already has scene "${earlier}" in this schedule; a window has one scene`);
      }
      sceneByWindow.set(window.hours, window.scene);
    });
  visit(schedule.daily, ['schedules', name, 'daily']);
  for (const [day, windows] of Object.entries(schedule.weekly ?? {})) visit(windows, ['schedules', name, 'weekly', day]);
  schedule.exceptions.forEach((exception, index) => visit(exception.hours, ['schedules', name, 'exceptions', index, 'hours']));
}

/** The first machine, of those the values apply to, whose driver cannot set one of them; aspects a machine lacks are not its concern. */
function checkValues(values: AspectValues | undefined, path: Path, machines: { machine: { id: string }; aspects: AspectSpecs }[], addIssue: AddIssue): void {
  for (const [aspect, value] of Object.entries(values ?? {})) {
    for (const { machine, aspects } of machines) {
      const spec = aspects[aspect];
      const problem = spec && valueProblem(spec, value);
      if (!problem) continue;
      addIssue([...path, aspect], `${machine.id} cannot set ${aspect} to ${JSON.stringify(value)}: ${problem}`);
      break;
    }
  }
}

/** The scenes a machine's own entry, its group or its schedule's windows name: their values must suit it. */
function scenesNamedFor(venue: VenueAspects, machine: VenueAspects['machines'][number], defaultGroup: string): Set<string> {
  const group = venue.groups[machine.group ?? defaultGroup];
  const scheduleName = machine.schedule ?? group?.schedule;
  const schedule = scheduleName === undefined ? undefined : venue.schedules[scheduleName];
  const windows = schedule ? [...(schedule.daily ?? []), ...Object.values(schedule.weekly ?? {}).flatMap((entries) => entries ?? []), ...schedule.exceptions.flatMap((exception) => exception.hours ?? [])] : [];
  return new Set([machine.scene, group?.scene, ...windows.map((window) => (typeof window === 'string' ? undefined : window.scene))].filter((scene): scene is string => scene !== undefined));
}

function knownAspects(names: Set<string>, owner: string): string {
  return names.size === 0 ? `${owner} no aspects` : `${owner} ${[...names].sort().join(', ')}`;
}

/**
 * A machine's wanted values, each layer over the one before: its group's scene, its group's
 * aspects, its own scene, its own aspects; and every scene, each limited to the aspects it has and
 * the values it can set (checkAspects has made sure that leaves out nothing its configuration names).
 * Undefined when nothing names an aspect the machine has.
 */
export function resolveMachineAspects(venue: Pick<VenueAspects, 'scenes'>, group: AspectLayers | undefined, machine: AspectLayers, aspects: AspectSpecs): MachineAspects | undefined {
  const own = (values: AspectValues | undefined): AspectValues =>
    Object.fromEntries(Object.entries(values ?? {}).filter(([name, value]) => {
      const spec = aspects[name];
      return spec !== undefined && valueProblem(spec, value) === undefined;
    }));
  const sceneValues = (scene: string | undefined) => (scene === undefined ? {} : own(venue.scenes[scene]));
  const base = { ...sceneValues(group?.scene), ...own(group?.aspects), ...sceneValues(machine.scene), ...own(machine.aspects) };
  const scenes = Object.fromEntries(Object.keys(venue.scenes).map((name) => [name, sceneValues(name)]));
  const wantsAny = Object.keys(base).length > 0 || Object.values(scenes).some((values) => Object.keys(values).length > 0);
  return wantsAny ? { base, scenes } : undefined;
}

/** The windows as text, and the scene each `{ hours, scene }` window names. */
export function windowsAndScenes(entries: WindowEntry[], scenes: Record<string, string>): string[] {
  return entries.map((entry) => {
    if (typeof entry === 'string') return entry;
    scenes[entry.hours] = entry.scene;
    return entry.hours;
  });
}
