/**
 * The benchmark's venue: N healthy HTTP media players that should be on around the clock, so
 * every check is one probe that finds the device as it should be and sends no command. Written
 * as a real venue file and read back with the product's loader, so the worker and the inventory
 * sync see exactly what an operator's file would give them.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'yaml';
import { loadVenueConfig, type VenueConfig } from '../../config/load';
import { formatDuration } from '../../domain/duration';

export function machineIds(count: number): string[] {
  const width = String(count).length;
  return Array.from({ length: count }, (_, index) => `m-${String(index + 1).padStart(width, '0')}`);
}

export interface BenchVenue {
  file: string;
  config: VenueConfig;
}

/** `baseUrl(id)` says where machine `id` is reached. */
export async function writeBenchVenue(dir: string, ids: string[], tickMs: number, baseUrl: (id: string) => string): Promise<BenchVenue> {
  const file = path.join(dir, `venue-${ids.length}.yaml`);
  const venue = {
    venue: { name: `Scale benchmark, ${ids.length} machines`, timezone: 'UTC' },
    controller: { tick: formatDuration(tickMs), failingAfter: 2 },
    schedules: { always: { daily: ['00:00-24:00'] } },
    groups: { players: { schedule: 'always' } },
    machines: ids.map((id) => ({
      id,
      group: 'players',
      address: '127.0.0.1',
      driver: {
        type: 'http',
        baseUrl: baseUrl(id),
        timeouts: { connect: '2s', response: '3s' },
        probe: {
          method: 'GET',
          path: '/api/v1/power',
          read: { json: 'power' },
          states: { on: ['on'], off: ['off'], warming: ['booting'], cooling: ['shutting-down'] },
        },
        on: { method: 'PUT', path: '/api/v1/power', body: '{"power":"on"}' },
        off: { method: 'PUT', path: '/api/v1/power', body: '{"power":"off"}' },
      },
    })),
  };
  await writeFile(file, stringify(venue));
  return { file, config: loadVenueConfig(file, {}) };
}
