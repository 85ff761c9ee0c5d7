/**
 * The dependency map in the venue file: `dependsOn:` on machines and groups, `poweredBy:` (the PDU
 * as a whole and the outlet that feeds a machine), `powerCycle:`, and the venue-wide
 * `controller.dependencies` and `controller.powerCycle` (config/example-venue.yaml). Checked once the
 * whole file has its shape, and resolved into each machine's MachineDependencies and PoweredBy.
 */
import { z } from 'zod';
import type { PduDriverSpec } from '../activities/drivers/pdu/spec';
import { toDriverSpec } from '../activities/drivers/schemas';
import { isProbeOnly, type DriverSpec } from '../activities/drivers/specs';
import { DEPENDENCY_TIMEOUT_ACTIONS, type MachineDependencies, type PoweredBy } from '../domain/dependencies';
import { durationField, idField, positiveIntegerField, strictObject } from './fields';
import { declaredNames, similarNames } from './issues';
import type { VenueFile } from './schema';

/** As many outlets as a pdu driver's `outlet` may name. */
const MAX_OUTLET = 999;
/** The outlet's off time is part of one activity's deadline. */
const MAX_POWER_CYCLE_OFF_MS = 300_000;

/** `dependsOn: [mixer-01, network]` on a machine or a group. */
export const dependsOnField = z.array(idField, { error: 'expected a list of machine ids and group names, like [mixer-01, network]' });

/** `poweredBy: { pdu: pdu-rack-a, outlet: 3 }` on a machine. */
export const poweredByField = strictObject({ pdu: idField, outlet: positiveIntegerField(MAX_OUTLET) });

/** `powerCycle: false` on a machine or a group; a machine's wins over its group's. */
export const powerCycleSwitchField = z.boolean({ error: 'expected true or false' });

/** `controller.dependencies`. */
export const dependencySettingsField = strictObject({
  wait: durationField().default(120_000),
  onTimeout: z.enum(DEPENDENCY_TIMEOUT_ACTIONS).default('proceed'),
  recheck: durationField({ minMs: 1_000 }).default(10_000),
}).prefault({});

/** `controller.powerCycle`: the policy, or false to never cycle an outlet. */
export const powerCycleSettingsField = z
  .union([
    z.literal(false),
    strictObject({
      after: positiveIntegerField(1_000).default(3),
      atMostEvery: durationField().default(6 * 3_600_000),
      off: durationField({ minMs: 1_000, maxMs: MAX_POWER_CYCLE_OFF_MS }).default(10_000),
    }),
  ], { error: 'expected false (never power-cycle), or { after, atMostEvery, off }' })
  .prefault({});

type Path = (string | number)[];
type AddIssue = (path: Path, message: string) => void;
type Venue = Pick<VenueFile, 'controller' | 'groups' | 'machines'>;

interface DependencyGraph {
  /** By machine index: the indexes of the machines it needs, each with the entry that first says so. */
  needs: Map<number, Path>[];
  /** Names that resolve to no machine, or to a machine and a group. */
  problems: { path: Path; message: string }[];
}

/**
 * Unknown names, dependency cycles, `poweredBy` naming anything but a PDU as a whole, two machines
 * on one outlet, and `powerCycle` where nothing is cycled.
 */
export function checkDependencies(venue: Venue, addIssue: AddIssue, defaultGroup: string): void {
  const graph = dependencyGraph(venue, defaultGroup);
  for (const { path, message } of graph.problems) addIssue(path, message);
  checkCycles(venue, graph.needs, addIssue);
  checkPoweredBy(venue, addIssue);
  checkPowerCycleSwitches(venue, addIssue);
}

/** Each machine's MachineDependencies and PoweredBy, by index; checkDependencies has passed. */
export function resolveDependencies(venue: Venue, defaultGroup: string): { dependencies: (MachineDependencies | undefined)[]; poweredBy: (PoweredBy | undefined)[] } {
  const { needs } = dependencyGraph(venue, defaultGroup);
  const idOf = (index: number) => venue.machines[index]?.id ?? [];
  const neededBy = needs.map((): number[] => []);
  needs.forEach((needed, index) => {
    for (const target of needed.keys()) neededBy[target]?.push(index);
  });
  const { wait, onTimeout, recheck } = venue.controller.dependencies;
  const dependencies = needs.map((needed, index): MachineDependencies | undefined => {
    const needIds = [...needed.keys()].flatMap(idOf).sort();
    const neededByIds = (neededBy[index] ?? []).flatMap(idOf).sort();
    if (needIds.length === 0 && neededByIds.length === 0) return undefined;
    return { needs: needIds, neededBy: neededByIds, waitMs: wait, onTimeout, recheckMs: recheck };
  });

  const wholePdus = pdusAsAWhole(venue);
  const { powerCycle } = venue.controller;
  const poweredBy = venue.machines.map((machine): PoweredBy | undefined => {
    const pdu = machine.poweredBy && wholePdus.get(machine.poweredBy.pdu);
    if (!machine.poweredBy || !pdu) return undefined;
    const { outlet } = machine.poweredBy;
    const cycled = machine.powerCycle ?? venue.groups[machine.group ?? defaultGroup]?.powerCycle ?? true;
    return {
      pdu: machine.poweredBy.pdu,
      outlet,
      driver: { ...pdu, outlet },
      ...(powerCycle !== false && cycled && { cycle: { afterFailures: powerCycle.after, atMostEveryMs: powerCycle.atMostEvery, offMs: powerCycle.off } }),
    };
  });
  return { dependencies, poweredBy };
}

/**
 * A name is a machine id or a group (every machine of it). A machine never needs itself through a
 * group, its own or another that it is a member of; naming its own id, or being fed by itself, is a
 * cycle and kept as one for checkCycles.
 */
function dependencyGraph(venue: Venue, defaultGroup: string): DependencyGraph {
  const indexById = new Map<string, number>();
  const membersByGroup = new Map<string, number[]>(Object.keys(venue.groups).map((name) => [name, []]));
  venue.machines.forEach((machine, index) => {
    if (!indexById.has(machine.id)) indexById.set(machine.id, index);
    const groupName = machine.group ?? defaultGroup;
    const members = membersByGroup.get(groupName);
    if (members) members.push(index);
    else membersByGroup.set(groupName, [index]);
  });

  const problems: DependencyGraph['problems'] = [];
  const resolve = (names: string[] | undefined, path: Path) =>
    (names ?? []).flatMap((name, entry) => {
      const entryPath = [...path, entry];
      const machine = indexById.get(name);
      const members = membersByGroup.get(name);
      if (machine !== undefined && members !== undefined) {
        problems.push({ path: entryPath, message: `"${name}" is both a machine id and a group; rename one of them` });
        return [];
      }
      if (machine !== undefined) return [{ name, targets: [machine], path: entryPath }];
      if (members !== undefined) return [{ name, targets: members, path: entryPath }];
      problems.push({ path: entryPath, message: unknownNameMessage(name, [...indexById.keys()], [...membersByGroup.keys()]) });
      return [];
    });
  // Once per group, not per member: each problem is reported once, and a large group costs its size once.
  const groupEntries = new Map(Object.entries(venue.groups).map(([name, group]) => [name, resolve(group.dependsOn, ['groups', name, 'dependsOn'])]));

  const needs = venue.machines.map((machine, index) => {
    const needed = new Map<number, Path>();
    const add = (target: number, path: Path) => {
      if (!needed.has(target)) needed.set(target, path);
    };
    for (const { name, targets, path } of resolve(machine.dependsOn, ['machines', index, 'dependsOn'])) {
      for (const target of targets) if (target !== index || name === machine.id) add(target, path);
    }
    const pdu = machine.poweredBy && indexById.get(machine.poweredBy.pdu);
    if (pdu !== undefined) add(pdu, ['machines', index, 'poweredBy', 'pdu']);
    for (const { targets, path } of groupEntries.get(machine.group ?? defaultGroup) ?? []) {
      for (const target of targets) if (target !== index) add(target, path);
    }
    return needed;
  });
  return { needs, problems };
}

function unknownNameMessage(name: string, machineIds: string[], groupNames: string[]): string {
  const close = similarNames(name, [...machineIds, ...groupNames]).slice(0, 3);
  const hint = close.length > 0 ? `did you mean ${close.map((candidate) => `"${candidate}"`).join(' or ')}?` : `${declaredNames('groups', groupNames)}; ${declaredNames('machines', machineIds)}`;
  return `unknown machine or group "${name}"; ${hint}`;
}

/**
 * One cycle per set of machines that need each other (a strongly connected component): the shortest
 * through its first machine in the file, reported at the entry that closes it. Fixing it shows the
 * next, if the set has more.
 */
function checkCycles(venue: Venue, needs: Map<number, Path>[], addIssue: AddIssue): void {
  const successors = needs.map((needed) => [...needed.keys()]);
  for (const component of stronglyConnectedComponents(successors)) {
    const start = component.reduce((first, index) => Math.min(first, index));
    if (component.length === 1 && !needs[start]?.has(start)) continue;
    const cycle = shortestCycleThrough(start, successors, new Set(component));
    const closing = needs[cycle[cycle.length - 2] ?? start]?.get(start) ?? ['machines', start];
    addIssue(closing, `dependency cycle: ${cycle.map((index) => venue.machines[index]?.id).join(' -> ')}`);
  }
}

/** Tarjan's algorithm, iterative so that a long chain of machines cannot overflow the stack. */
function stronglyConnectedComponents(successors: number[][]): number[][] {
  const discovered = successors.map(() => -1);
  const lowest = successors.map(() => 0);
  const onStack = successors.map(() => false);
  const stack: number[] = [];
  const components: number[][] = [];
  let discoveries = 0;
  const discover = (node: number) => {
    discovered[node] = lowest[node] = discoveries++;
    stack.push(node);
    onStack[node] = true;
  };
  successors.forEach((_, root) => {
    if ((discovered[root] ?? -1) !== -1) return;
    discover(root);
    const frames = [{ node: root, next: 0 }];
    for (let frame = frames.at(-1); frame; frame = frames.at(-1)) {
      const successor = successors[frame.node]?.[frame.next++];
      if (successor !== undefined) {
        if ((discovered[successor] ?? -1) === -1) {
          discover(successor);
          frames.push({ node: successor, next: 0 });
        } else if (onStack[successor]) {
          lowest[frame.node] = Math.min(lowest[frame.node] ?? 0, discovered[successor] ?? 0);
        }
        continue;
      }
      frames.pop();
      const parent = frames.at(-1);
      if (parent) lowest[parent.node] = Math.min(lowest[parent.node] ?? 0, lowest[frame.node] ?? 0);
      if (lowest[frame.node] !== discovered[frame.node]) continue;
      const component: number[] = [];
      for (let member = stack.pop(); member !== undefined; member = member === frame.node ? undefined : stack.pop()) {
        onStack[member] = false;
        component.push(member);
      }
      components.push(component);
    }
  });
  return components;
}

/** Breadth first within the component, so the cycle named is as short as any through `start`: [start, ..., start]. */
function shortestCycleThrough(start: number, successors: number[][], component: Set<number>): number[] {
  const previous = new Map<number, number>();
  const queue = [start];
  for (const node of queue) {
    for (const next of successors[node] ?? []) {
      if (next === start) {
        const path = [node];
        for (let step = previous.get(node); step !== undefined; step = previous.get(step)) path.unshift(step);
        return [...path, start];
      }
      if (!component.has(next) || previous.has(next)) continue;
      previous.set(next, node);
      queue.push(next);
    }
  }
  throw new Error(`machine ${start} is in a strongly connected component without a cycle through it`);
}

/** The machines whose pdu driver has no outlet, by id: what `poweredBy` may name. */
function pdusAsAWhole(venue: Venue): Map<string, PduDriverSpec> {
  const pdus = new Map<string, PduDriverSpec>();
  for (const machine of venue.machines) {
    const spec = toDriverSpec(machine.driver, machine.address);
    if (isPduAsAWhole(spec) && !pdus.has(machine.id)) pdus.set(machine.id, spec);
  }
  return pdus;
}

function isPduAsAWhole(spec: DriverSpec): spec is PduDriverSpec {
  return spec.type === 'pdu' && isProbeOnly(spec);
}

/**
 * `poweredBy` names a PDU as a whole; no outlet feeds two machines, whether named by `poweredBy` or
 * by a pdu driver's own `outlet` on the same PDU (same host and port).
 */
function checkPoweredBy(venue: Venue, addIssue: AddIssue): void {
  const wholePdus = pdusAsAWhole(venue);
  const wholePduIds = [...wholePdus.keys()];
  const pduName = (spec: PduDriverSpec) => [...wholePdus].find(([, pdu]) => pdu.host === spec.host && pdu.port === spec.port)?.[0] ?? `the PDU at ${spec.host}`;
  const feeding = new Map<string, number>();
  const claim = (pdu: PduDriverSpec, outlet: number, index: number, path: Path) => {
    const key = `${pdu.host}:${pdu.port}#${outlet}`;
    const first = feeding.get(key);
    if (first === undefined) feeding.set(key, index);
    else addIssue(path, `outlet ${outlet} of ${pduName(pdu)} feeds both ${venue.machines[first]?.id} (machines[${first}]) and ${venue.machines[index]?.id}; an outlet feeds one machine`);
  };

  venue.machines.forEach((machine, index) => {
    const spec = toDriverSpec(machine.driver, machine.address);
    if (spec.type === 'pdu' && spec.outlet !== undefined) claim(spec, spec.outlet, index, ['machines', index, 'driver', 'outlet']);
    if (!machine.poweredBy) return;
    const { pdu: pduId, outlet } = machine.poweredBy;
    const pdu = wholePdus.get(pduId);
    if (pdu) {
      claim(pdu, outlet, index, ['machines', index, 'poweredBy', 'outlet']);
      return;
    }
    const named = venue.machines.find(({ id }) => id === pduId);
    const found = named === undefined ? `unknown machine "${pduId}"` : `${pduId} is ${named.driver.type === 'pdu' ? 'one outlet of a PDU' : `a ${named.driver.type} machine`}`;
    const known = wholePduIds.length === 0 ? 'the venue has none' : `the venue has ${wholePduIds.join(', ')}`;
    addIssue(['machines', index, 'poweredBy', 'pdu'], `${found}; poweredBy names a PDU as a whole (a machine whose pdu driver has no outlet), and ${known}`);
  });
}

/** A `powerCycle` that could change nothing, which its author cannot have meant. */
function checkPowerCycleSwitches(venue: Venue, addIssue: AddIssue): void {
  const neverCycled = 'controller.powerCycle is false, so no outlet is ever cycled: give controller.powerCycle its settings, or remove this';
  if (venue.controller.powerCycle === false) {
    for (const [name, group] of Object.entries(venue.groups)) if (group.powerCycle === true) addIssue(['groups', name, 'powerCycle'], neverCycled);
  }
  venue.machines.forEach((machine, index) => {
    if (machine.powerCycle === undefined) return;
    const path = ['machines', index, 'powerCycle'];
    if (!machine.poweredBy) addIssue(path, 'only a machine with poweredBy is power-cycled: give it poweredBy: { pdu, outlet }, or remove powerCycle');
    else if (machine.powerCycle && venue.controller.powerCycle === false) addIssue(path, neverCycled);
  });
}
