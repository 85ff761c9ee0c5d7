import { isIP } from 'node:net';
import type { Environment } from '../config/environment';
import { StartupError } from '../lifecycle/startup';
import type { AppDeps } from './app';

export interface ApiSettingsOptions {
  /**
   * Running the demo venue (`npm start` without VENUE_CONFIG): without API_TOKEN the API runs
   * open, but only while it listens on loopback.
   */
  demo?: boolean;
}

export interface ApiSettings extends Pick<AppDeps, 'taskQueue' | 'token' | 'openReads' | 'localDemo' | 'webUiBaseUrl'> {
  host: string;
  port: number;
}

/** The API's settings from the parsed environment (config/environment.ts). */
export function apiSettings(env: Environment, options: ApiSettingsOptions = {}): ApiSettings {
  if (options.demo && !env.API_TOKEN && !env.API_LOCAL_DEMO && !isLoopback(env.API_HOST)) {
    throw new StartupError(`API_HOST is ${env.API_HOST} but API_TOKEN is not set: set a token of 16+ characters, or listen on loopback for the local demo`);
  }
  return {
    host: env.API_HOST,
    port: env.API_PORT,
    taskQueue: env.TEMPORAL_TASK_QUEUE,
    token: env.API_TOKEN,
    openReads: env.API_OPEN_READS,
    localDemo: env.API_LOCAL_DEMO || (options.demo === true && isLoopback(env.API_HOST)),
    // `npm start` falls back to the Web UI of the dev server it runs.
    webUiBaseUrl: env.TEMPORAL_UI_URL,
  };
}

function isLoopback(host: string): boolean {
  if (host === 'localhost' || host === '::1') return true;
  return isIP(host) === 4 && host.startsWith('127.');
}
