import { portFailure, type Startup } from '../lifecycle/startup';
import { createApp, type AppDeps } from './app';
import type { ApiSettings } from './settings';

/**
 * Starting the operator API, the one way `npm run api` and `npm start` do it: the app on the
 * settings' host and port, stopped by `startup`. Resolves with its URL.
 */
export async function startApi(startup: Startup, settings: ApiSettings, deps: Pick<AppDeps, 'client' | 'namespace' | 'venue'>): Promise<string> {
  const { host, port, ...appSettings } = settings;
  const api = createApp({ ...appSettings, ...deps });
  const { url } = await api.start(port, host).catch((error: unknown) => {
    throw portFailure(error, 'API_PORT', port);
  });
  startup.started('the operator API', api.stop);
  return url;
}
