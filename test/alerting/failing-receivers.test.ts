import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALERT_NAMES, postAlerts } from '../../alerting/contract';
import { findFreePort } from '../../devstack/dev-server';
import { startPrometheus, type PrometheusServer } from '../observability/prometheus-server';
import { writeFastPrometheusConfig } from '../observability/rules-files';
import { waitFor } from '../support/wait-for';
import { sinkEmail, startNotificationStack, type NotificationStack } from './notification-stack';
import { startSmtpSink, type SmtpSink } from './smtp-sink';
import { startWebhookSink, type WebhookSink } from './webhook-sink';

interface PrometheusAlert {
  labels: Record<string, string>;
  state: 'pending' | 'firing';
}

/** Alertmanager retries, Prometheus scrapes it every second and NotificationsFailing's `for` is 2 s here. */
const FIRES_WITHIN_MS = 60_000;

let smtp: SmtpSink;
let backup: WebhookSink;
let stack: NotificationStack;
let prometheus: PrometheusServer;

beforeAll(async () => {
  smtp = await startSmtpSink({ username: 'show-control', password: `right-${randomUUID()}` });
  backup = await startWebhookSink();
  const nothingListens = await findFreePort();
  stack = await startNotificationStack({
    notifications: {
      receivers: {
        technicians: { email: sinkEmail(smtp.smarthost, { secret: 'SMTP' }), quietHours: [] },
        ops: { webhook: { url: `http://127.0.0.1:${nothingListens}/alerts` }, quietHours: [] },
        // Still works: NotificationsFailing reaching it shows the broken path is itself alerted.
        backup: { webhook: { url: backup.url }, quietHours: [] },
      },
      routes: [],
      defaultReceivers: ['technicians', 'ops'],
      timing: { groupWaitMs: 1_000, groupIntervalMs: 2_000, repeatIntervalMs: 3_600_000 },
    },
    secrets: { SMTP: 'a-wrong-password' },
  });
  // No worker here: its job scrapes a port where nothing listens (WorkerDown fires too, and fails to be sent).
  const configFile = await writeFastPrometheusConfig({ dir: stack.dir, target: `127.0.0.1:${await findFreePort()}`, ruleFor: '2s', intervalSeconds: 1, alertmanager: stack.alertmanager.address });
  prometheus = await startPrometheus({ configFile, storageDir: `${stack.dir}/prometheus-data` });
});

afterAll(async () => {
  await prometheus?.stop();
  await stack?.stop();
  await smtp?.stop();
  await backup?.stop();
});

async function firing(alertname: string): Promise<PrometheusAlert[]> {
  const response = await fetch(`${prometheus.url}/api/v1/alerts`);
  const body = (await response.json()) as { data: { alerts: PrometheusAlert[] } };
  return body.data.alerts.filter((alert) => alert.labels.alertname === alertname && alert.state === 'firing');
}

describe('a broken alert path is itself alerted', () => {
  it('when the e-mail receiver\'s password is wrong and the webhook unreachable, then NotificationsFailing fires for both integrations and reaches the receiver that works', async () => {
    await postAlerts(stack.alertmanager.url, [{ labels: { alertname: 'TestAlert', severity: 'warning' }, annotations: { summary: 'an alert to deliver' } }]);

    const integrations = await waitFor(
      'NotificationsFailing for email and webhook',
      async () => {
        const found = (await firing(ALERT_NAMES.notificationsFailing)).map((alert) => alert.labels.integration).sort();
        return found.includes('email') && found.includes('webhook') && found;
      },
      FIRES_WITHIN_MS,
    );
    expect(integrations).toEqual(['email', 'webhook']);
    // The mail server was reached and refused the login: the password, not the address, is what is wrong.
    expect(smtp.refusedLogins).toBeGreaterThan(0);
    expect(smtp.messages).toEqual([]);

    const told = await waitFor(
      'the working receiver to be told of both',
      () => {
        const calls = backup.received.filter((call) => call.groupLabels.alertname === ALERT_NAMES.notificationsFailing && call.status === 'firing');
        const named = new Set(calls.map((call) => call.groupLabels.integration));
        return named.has('email') && named.has('webhook') && calls;
      },
      FIRES_WITHIN_MS,
    );
    expect(told[0]?.receiver).toBe('backup');
    expect(backup.received.some((call) => call.groupLabels.alertname === 'TestAlert'), 'the test alert is not routed to the backup receiver').toBe(false);
  }, FIRES_WITHIN_MS * 2 + 10_000);
});
