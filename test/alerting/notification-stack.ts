/**
 * An Alertmanager configured the production way (alerting/render-config.ts, written by
 * alerting/write-config.ts) from a notifications section a test describes, in a folder of its own.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { SecretResolver } from '../../activities/drivers/shared/spec';
import type { NotificationsConfig } from '../../config/notifications';
import { renderAlertmanagerConfig } from '../../alerting/render-config';
import { writeAlertmanagerConfig } from '../../alerting/write-config';
import { startAlertmanager, type AlertmanagerServer } from './alertmanager-server';

export const TEST_WEB_UI = 'http://webui.test:8233';
export const TEST_VENUE = { name: 'Test Museum', timezone: 'Europe/London' };

export interface NotificationStack {
  alertmanager: AlertmanagerServer;
  /** A scratch folder for the test's other files (Prometheus's configuration, say). */
  dir: string;
  stop(): Promise<void>;
}

export async function startNotificationStack(options: { notifications: NotificationsConfig; namespace?: string; secrets?: Record<string, string> }): Promise<NotificationStack> {
  const dir = await mkdtemp(path.join(tmpdir(), 'showctl-alerting-'));
  const resolveSecret: SecretResolver = ({ secret }) => {
    const value = options.secrets?.[secret];
    if (value === undefined) throw new Error(`the test gave no secret ${secret}`);
    return value;
  };
  const configFile = path.join(dir, 'alertmanager', 'alertmanager.yml');
  await writeAlertmanagerConfig(
    configFile,
    renderAlertmanagerConfig({ notifications: options.notifications, venue: TEST_VENUE, webUiUrl: TEST_WEB_UI, namespace: options.namespace ?? 'default', resolveSecret }),
  );
  const alertmanager = await startAlertmanager({ configFile, storageDir: path.join(dir, 'alertmanager-data') }).catch(async (error: unknown) => {
    await rm(dir, { recursive: true, force: true });
    throw error;
  });
  return {
    alertmanager,
    dir,
    async stop() {
      await alertmanager.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** An e-mail receiver of the SMTP sink on loopback, which has no TLS. */
export function sinkEmail(smarthost: string, password: { secret: string }) {
  return { to: ['av@museum.example'], from: 'show-control@museum.example', smarthost, username: 'show-control', password, requireTls: false };
}
