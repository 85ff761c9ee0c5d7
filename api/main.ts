/**
 * The operator API on its own (`npm run api`): one Temporal client for the process,
 * settings from the environment (config/environment.ts), stops on SIGINT/SIGTERM. `npm start`
 * runs the same app beside the worker instead.
 */
import { once } from 'node:events';
import { Client, Connection } from '@temporalio/client';
import { loadEnvironment } from '../config/environment';
import { loadVenueConfig } from '../config/load';
import { temporalTarget, temporalUnreachable } from '../config/temporal';
import { portFailure, runProcess, type Startup } from '../lifecycle/startup';
import { createApp } from './app';
import { apiSettings } from './settings';

async function main(startup: Startup): Promise<void> {
  const env = loadEnvironment();
  const venue = loadVenueConfig(env.VENUE_CONFIG);
  const settings = apiSettings(env);
  const target = temporalTarget();
  const connection = await Connection.connect(target.connectionOptions).catch((error: unknown) => {
    throw temporalUnreachable(error, target.connectionOptions.address);
  });
  startup.started('the Temporal connection', () => connection.close());
  const client = new Client({ connection, namespace: target.namespace });
  const api = createApp({ client, namespace: target.namespace, taskQueue: env.TEMPORAL_TASK_QUEUE, venue, ...settings });
  const { url } = await api.start(env.API_PORT, env.API_HOST).catch((error: unknown) => {
    throw portFailure(error, 'API_PORT', env.API_PORT);
  });
  startup.started('the operator API', api.stop);
  console.log(`operator API on ${url} for ${venue.venue.name} (task queue ${env.TEMPORAL_TASK_QUEUE}); ${url}/openapi.json describes it`);
  await Promise.race([once(process, 'SIGINT'), once(process, 'SIGTERM')]);
  console.log('stopping the operator API');
}

runProcess(main);
