/**
 * The venue of the opening benchmark: three levels of machines hanging on each other, like the
 * audio of a hall. 1% racks (level 0: what a rack's equipment needs first), 9% mixers (level 1,
 * each needing one rack: 9 mixers a rack), 90% amplifiers (level 2, each needing one mixer: 10
 * amplifiers a mixer). Each machine names the one machine it needs by id, as an operator's file
 * would; without dependencies the same machines and groups have no `dependsOn`.
 */
import type { SimulatedDeviceAddress } from '../../harness/processes';
import { writeBenchVenue, type BenchVenue } from '../scale/venue';

export interface Level {
  /** Also the machines' group. */
  name: string;
  ids: string[];
}

export interface SequencePlan {
  levels: Level[];
  /** By machine id: the machine it needs, for every machine above level 0. */
  needs: Map<string, string>;
}

const LEVEL_SHARES = [
  { name: 'racks', prefix: 'rack', share: 0.01 },
  { name: 'mixers', prefix: 'mixer', share: 0.09 },
];
const TOP_LEVEL = { name: 'amps', prefix: 'amp' };

export function sequencePlan(machines: number): SequencePlan {
  if (machines < LEVEL_SHARES.length + 1) throw new Error(`an opening of ${LEVEL_SHARES.length + 1} levels needs at least ${LEVEL_SHARES.length + 1} machines`);
  const lower = LEVEL_SHARES.map(({ name, prefix, share }) => ({ name, prefix, count: Math.max(1, Math.round(machines * share)) }));
  const counted = [...lower, { ...TOP_LEVEL, count: machines - lower.reduce((total, level) => total + level.count, 0) }];
  const levels = counted.map(({ name, prefix, count }) => ({ name, ids: numberedIds(prefix, count) }));
  const needs = new Map<string, string>();
  levels.forEach((level, index) => {
    const below = levels[index - 1];
    if (!below) return;
    level.ids.forEach((id, position) => needs.set(id, below.ids[position % below.ids.length] as string));
  });
  return { levels, needs };
}

function numberedIds(prefix: string, count: number): string[] {
  const width = String(count).length;
  return Array.from({ length: count }, (_, index) => `${prefix}-${String(index + 1).padStart(width, '0')}`);
}

/** Level 0 first, so the inventory sync starts the machines others need before those that need them. */
export function machineIdsOf(plan: SequencePlan): string[] {
  return plan.levels.flatMap((level) => level.ids);
}

export interface SequenceVenueSettings {
  tickMs: number;
  recheckMs: number;
  withDependencies: boolean;
}

export function writeSequenceVenue(dir: string, devices: SimulatedDeviceAddress[], plan: SequencePlan, settings: SequenceVenueSettings): Promise<BenchVenue> {
  const levelOf = new Map(plan.levels.flatMap((level) => level.ids.map((id) => [id, level.name] as const)));
  const needed = (device: SimulatedDeviceAddress) => plan.needs.get(device.id);
  return writeBenchVenue(dir, devices, settings.tickMs, {
    name: `Opening benchmark, ${devices.length} machines in ${plan.levels.length} levels${settings.withDependencies ? '' : ', no dependencies'}`,
    groupOf: (device) => levelOf.get(device.id) ?? 'unplanned',
    ...(settings.withDependencies && {
      dependsOnOf: (device: SimulatedDeviceAddress) => [needed(device)].flatMap((id) => id ?? []),
      dependencyRecheckMs: settings.recheckMs,
    }),
  });
}
