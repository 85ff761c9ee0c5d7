/** `npm run sync`: make the running machine workflows match the venue configuration. */
import { Client, Connection } from '@temporalio/client';
import { loadEnvironment } from '../config/environment';
import { loadVenueConfig } from '../config/load';
import { temporalTarget } from '../config/temporal';
import { syncInventory } from './sync';

async function main(): Promise<void> {
  const env = loadEnvironment();
  const venue = loadVenueConfig(env.VENUE_CONFIG);
  const target = temporalTarget();
  const connection = await Connection.connect(target.connectionOptions);
  try {
    const client = new Client({ connection, namespace: target.namespace });
    const report = await syncInventory(client, { taskQueue: env.TEMPORAL_TASK_QUEUE, machines: venue.machines });
    for (const [outcome, ids] of Object.entries(report)) console.log(`${outcome}: ${ids.length ? ids.join(', ') : '-'}`);
  } finally {
    await connection.close();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
