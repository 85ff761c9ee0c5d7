/**
 * `npm run alertmanager-config -- --out FILE`: writes Alertmanager's configuration for the venue
 * (VENUE_CONFIG) with its credentials resolved (SHOWCTL_SECRET_* or SHOWCTL_SECRETS_FILE), links
 * to the Temporal Web UI (TEMPORAL_UI_URL, TEMPORAL_NAMESPACE), and its templates beside it.
 * The file holds secrets: it is written 0600, by default under the git-ignored data/.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadEnvironment } from '../config/environment';
import { loadVenueConfig } from '../config/load';
import { createSecretResolver } from '../config/secrets';
import { runProcess, StartupError } from '../lifecycle/startup';
import { alertmanagerConfigOf } from './venue-config';
import { writeAlertmanagerConfig } from './write-config';

export const DEFAULT_OUT = 'data/alertmanager/alertmanager.yml';

runProcess(async () => {
  const { values } = parseArgs({ options: { out: { type: 'string', default: DEFAULT_OUT } } });
  const env = loadEnvironment();
  if (!env.TEMPORAL_UI_URL) {
    throw new StartupError('TEMPORAL_UI_URL is not set: set it to the Temporal Web UI as the people notified open it, e.g. http://temporal.venue.lan:8233, so notifications link to each machine\'s workflow');
  }
  const venue = loadVenueConfig(env.VENUE_CONFIG);
  const rendered = alertmanagerConfigOf(venue, {
    resolveSecret: createSecretResolver({ env: process.env }),
    webUiUrl: env.TEMPORAL_UI_URL,
    namespace: process.env.TEMPORAL_NAMESPACE || 'default',
  });
  const out = path.resolve(values.out);
  await writeAlertmanagerConfig(out, rendered);
  console.log(`wrote ${path.relative(process.cwd(), out) || out} (mode 0600: it holds credentials) for ${venue.venue.name}`);
});
