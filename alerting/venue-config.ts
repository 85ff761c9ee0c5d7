/**
 * A venue's Alertmanager configuration, with its problems reported like the venue file's own:
 * the file, the path in it, and what to do (`npm run alertmanager-config` and `npm start`).
 */
import type { SecretResolver } from '../activities/drivers/shared/spec';
import { ConfigError } from '../config/errors';
import type { VenueConfig } from '../config/load';
import { NotificationSecretError, renderAlertmanagerConfig, type RenderedAlertmanagerConfig } from './render-config';

export interface VenueAlertmanagerOptions {
  resolveSecret: SecretResolver;
  /** The Temporal Web UI as the people notified open it (TEMPORAL_UI_URL). */
  webUiUrl: string;
  namespace: string;
}

export function alertmanagerConfigOf(venue: VenueConfig, options: VenueAlertmanagerOptions): RenderedAlertmanagerConfig {
  if (!venue.notifications) {
    throw new ConfigError(venue.file, [{ path: 'notifications', message: 'missing: without it nobody is notified; add one (config/example-venue.yaml shows every key)' }]);
  }
  try {
    return renderAlertmanagerConfig({ notifications: venue.notifications, venue: venue.venue, ...options });
  } catch (error) {
    if (error instanceof NotificationSecretError) throw new ConfigError(venue.file, [{ path: error.path, message: error.message }]);
    throw error;
  }
}
