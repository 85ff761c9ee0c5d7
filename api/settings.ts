import { isIP } from 'node:net';
import type { Environment } from '../config/environment';
import type { AppDeps } from './app';

export interface ApiSettingsOptions {
  /**
   * Running the demo venue (`npm start` without VENUE_CONFIG): without API_TOKEN the API runs
   * open, but only while it listens on loopback.
   */
  demo?: boolean;
  /** Used when TEMPORAL_UI_URL is not set, e.g. the Web UI of the dev server `npm start` runs. */
  webUiBaseUrl?: string;
}

/** The API's settings from the parsed environment (config/environment.ts). */
export function apiSettings(env: Environment, options: ApiSettingsOptions = {}): Pick<AppDeps, 'token' | 'openReads' | 'localDemo' | 'webUiBaseUrl'> {
  return {
    token: env.API_TOKEN,
    openReads: env.API_OPEN_READS,
    localDemo: env.API_LOCAL_DEMO || (options.demo === true && isLoopback(env.API_HOST)),
    webUiBaseUrl: env.TEMPORAL_UI_URL ?? options.webUiBaseUrl,
  };
}

function isLoopback(host: string): boolean {
  if (host === 'localhost' || host === '::1') return true;
  return isIP(host) === 4 && host.startsWith('127.');
}
