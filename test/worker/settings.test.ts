/**
 * The worker's settings come from one function for every process that runs a worker (`npm run
 * worker`, `npm start`, the benchmark workers): the sticky cache size here is the one they all get.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadEnvironment } from '../../config/environment';
import { loadVenueConfig, type VenueConfig } from '../../config/load';
import { workerSettings } from '../../worker/settings';

const demoVenue = loadVenueConfig(path.resolve(__dirname, '../../config/demo-venue.yaml'));

function venueOf(machines: number): VenueConfig {
  const [first] = demoVenue.machines;
  return { ...demoVenue, machines: Array.from({ length: machines }, (_, index) => ({ ...first!, id: `machine-${index}` })) };
}

describe('the worker settings', () => {
  it('when WORKER_MAX_CACHED_WORKFLOWS is not set, then the cache holds every machine of the venue plus 10%, at least 100', () => {
    const env = loadEnvironment({});
    expect(workerSettings(env, demoVenue).maxCachedWorkflows).toBe(100);
    expect(workerSettings(env, venueOf(5000)).maxCachedWorkflows).toBe(5500);
  });

  it('when WORKER_MAX_CACHED_WORKFLOWS is set, then the cache has that size whatever the venue', () => {
    expect(workerSettings(loadEnvironment({ WORKER_MAX_CACHED_WORKFLOWS: '250' }), venueOf(5000)).maxCachedWorkflows).toBe(250);
  });
});
