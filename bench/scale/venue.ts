/**
 * The benchmark's venue: one machine per simulated device, wanted on around the clock, so every
 * check is one probe that finds the device as it should be and sends no command. Written as a
 * real venue file and read back with the product's loader, so the worker and the inventory sync
 * see exactly what an operator's file would give them.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { loadVenueConfig, type VenueConfig } from '../../config/load';
import type { SimulatedDeviceAddress } from '../../harness/processes';
import { venueFileFor, type VenueFileOptions } from '../../harness/venue-files';

export function machineIds(count: number): string[] {
  const width = String(count).length;
  return Array.from({ length: count }, (_, index) => `m-${String(index + 1).padStart(width, '0')}`);
}

export interface BenchVenue {
  file: string;
  config: VenueConfig;
}

/** What a benchmark's venue may add to the scale benchmark's: its name, groups, aspects, dependencies. */
export type BenchVenueShape = Partial<Pick<VenueFileOptions, 'name' | 'groupOf' | 'withAspects' | 'dependsOnOf' | 'dependencyRecheckMs'>>;

export async function writeBenchVenue(dir: string, devices: SimulatedDeviceAddress[], tickMs: number, shape: BenchVenueShape = {}): Promise<BenchVenue> {
  const file = path.join(dir, `venue-${devices.length}.yaml`);
  const text = venueFileFor({
    name: `Scale benchmark, ${devices.length} machines`,
    groupOf: () => 'players',
    ...shape,
    tickMs,
    failingAfter: 2,
    timeouts: { connectMs: 2_000, responseMs: 3_000 },
    devices,
  });
  await writeFile(file, text);
  return { file, config: loadVenueConfig(file, {}) };
}
