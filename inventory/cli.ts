/** `npm run sync`: make the running machine workflows match the venue configuration. */
import { loadEnvironment } from '../config/environment';
import { loadVenueConfig } from '../config/load';
import { connectClient, temporalTarget } from '../config/temporal';
import { runProcess } from '../lifecycle/startup';
import { syncInventory } from '../fleet/sync';

runProcess(async (startup) => {
  const env = loadEnvironment();
  const venue = loadVenueConfig(env.VENUE_CONFIG);
  const client = await connectClient(startup, temporalTarget());
  const report = await syncInventory(client, { taskQueue: env.TEMPORAL_TASK_QUEUE, machines: venue.machines, readiness: { spec: venue.readiness } });
  const { readiness, ...machines } = report;
  for (const [outcome, ids] of Object.entries(machines)) console.log(`${outcome}: ${ids.length ? ids.join(', ') : '-'}`);
  console.log(`readiness reports: ${readiness}`);
});
