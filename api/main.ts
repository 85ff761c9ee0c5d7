/**
 * The operator API on its own (`npm run api`): one Temporal client for the process,
 * settings from the environment (config/environment.ts), stops on SIGINT/SIGTERM. `npm start`
 * runs the same app beside the worker instead.
 */
import { once } from 'node:events';
import { Client, Connection } from '@temporalio/client';
import { loadEnvironment } from '../config/environment';
import { loadVenueConfig } from '../config/load';
import { temporalTarget } from '../config/temporal';
import { createApp, type ApiApp } from './app';
import { apiSettings } from './settings';

async function main(): Promise<void> {
  const env = loadEnvironment();
  const venue = loadVenueConfig(env.VENUE_CONFIG);
  const target = temporalTarget();
  const connection = await Connection.connect(target.connectionOptions);
  let api: ApiApp | undefined;
  try {
    const client = new Client({ connection, namespace: target.namespace });
    api = createApp({ client, namespace: target.namespace, taskQueue: env.TEMPORAL_TASK_QUEUE, venue, ...apiSettings(env) });
    const { url } = await api.start(env.API_PORT, env.API_HOST);
    console.log(`operator API on ${url} for ${venue.venue.name} (task queue ${env.TEMPORAL_TASK_QUEUE}); ${url}/openapi.json describes it`);
    await Promise.race([once(process, 'SIGINT'), once(process, 'SIGTERM')]);
    console.log('stopping the operator API');
  } finally {
    await api?.stop();
    await connection.close();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
