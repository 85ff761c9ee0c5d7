/**
 * The operator API on its own (`npm run api`): one Temporal client for the process,
 * settings from the environment (config/environment.ts), stops on SIGINT/SIGTERM. `npm start`
 * runs the same app beside the worker instead.
 */
import { once } from 'node:events';
import { loadEnvironment } from '../config/environment';
import { loadVenueConfig } from '../config/load';
import { connectClient, temporalTarget } from '../config/temporal';
import { runProcess } from '../lifecycle/startup';
import { apiSettings } from './settings';
import { startApi } from './start';

runProcess(async (startup) => {
  const env = loadEnvironment();
  const venue = loadVenueConfig(env.VENUE_CONFIG);
  const settings = apiSettings(env);
  const target = temporalTarget();
  const client = await connectClient(startup, target);
  const url = await startApi(startup, settings, { client, namespace: target.namespace, venue });
  console.log(`operator API on ${url} for ${venue.venue.name} (task queue ${settings.taskQueue}); ${url}/openapi.json describes it`);
  await Promise.race([once(process, 'SIGINT'), once(process, 'SIGTERM')]);
  console.log('stopping the operator API');
});
