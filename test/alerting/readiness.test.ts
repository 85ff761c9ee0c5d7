import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALERT_LABELS, ALERT_NAMES, postAlerts, type PostableAlert } from '../../alerting/contract';
import { reportAlerts } from '../../alerting/readiness-activities';
import type { ReadinessReport, ReportKind } from '../../domain/readiness';
import { launchChromium } from '../support/chromium';
import { waitFor } from '../support/wait-for';
import { alertsOf } from './alertmanager-server';
import { sinkEmail, startNotificationStack, TEST_WEB_UI, type NotificationStack } from './notification-stack';
import { startSmtpSink, type SmtpSink } from './smtp-sink';
import { startWebhookSink, type WebhookSink } from './webhook-sink';

const SMTP = { username: 'show-control', password: `smtp-${randomUUID()}` };
/** Alertmanager is this file's own, so names need not differ from other runs'. */
const venue = 'Test Museum';
/** Bounded by group_wait (2 s) plus delivery, generously for a busy machine. */
const DELIVERED_WITHIN_MS = 30_000;

let smtp: SmtpSink;
let webhook: WebhookSink;
let stack: NotificationStack;

beforeAll(async () => {
  smtp = await startSmtpSink(SMTP);
  webhook = await startWebhookSink();
  stack = await startNotificationStack({
    notifications: {
      receivers: {
        technicians: { email: sinkEmail(smtp.smarthost, { secret: 'SMTP' }), quietHours: [] },
        ops: { webhook: { url: webhook.url }, quietHours: [] },
      },
      // A zone route must not take a report's machines: the report goes to the default whole.
      routes: [{ receivers: ['technicians'], groups: ['gallery-west'] }],
      defaultReceivers: ['technicians', 'ops'],
      timing: { groupWaitMs: 2_000, groupIntervalMs: 2_000, repeatIntervalMs: 3_600_000 },
    },
    secrets: { SMTP: SMTP.password },
  });
});

afterAll(async () => {
  await stack?.stop();
  await smtp?.stop();
  await webhook?.stop();
});

let referenceMs = Date.parse('2026-06-01T08:00:00Z');

/** A report as the readiness workflow makes it (domain/readiness.ts), posted as its activity posts it (reportAlerts). */
function readinessReport(kind: ReportKind, summary: string, notReady: { machine: string; group: string; reason: string }[], endsAt?: string): { label: string; alerts: PostableAlert[] } {
  referenceMs += 3_600_000;
  const report: ReadinessReport = {
    kind,
    venue,
    referenceMs,
    checkedAtMs: Date.now(),
    machines: 14,
    notReady: notReady.map(({ machine, group, reason }) => ({ id: machine, name: machine, group, reason })),
    summary,
    checksRequested: 14,
  };
  const alerts = reportAlerts(report, Date.now()).map((alert) => (endsAt ? { ...alert, endsAt } : alert));
  return { label: alerts[0]!.labels[ALERT_LABELS.report]!, alerts };
}

const mailsAbout = (text: string) => smtp.messages.filter((mail) => mail.subject?.includes(text));

describe('doors-open readiness reports through Alertmanager', () => {
  it('when a report and two not-ready machines are posted, then one e-mail and one webhook call list exactly those two with their reasons', async () => {
    const summary = `2 of 14 machines not ready at doors open 09:00`;
    const { label: doorsOpen, alerts } = readinessReport('doors-open', summary, [
      { machine: `proj-04`, group: 'gallery-west', reason: 'failing: probe DeviceTimeoutError' },
      { machine: `player-02`, group: 'media', reason: 'wrong input HDMI2' },
    ]);
    // Another report at the same time: its machine must not join the first report's message.
    const other = readinessReport('after-closing', `1 machine still on after closing`, [{ machine: `amp-01`, group: 'audio', reason: 'still on' }]);
    await postAlerts(stack.alertmanager.url, [...alerts, ...other.alerts]);

    const [mail] = await waitFor('the report e-mail', () => mailsAbout(summary).length > 0 && mailsAbout(summary), DELIVERED_WITHIN_MS);
    expect(mail?.subject).toBe(`${venue}: ${summary}`);
    const text = mail?.text ?? '';
    const listed = text.split('\n').filter((line) => line.startsWith('- ')).sort();
    expect(listed).toEqual([`- player-02 (media): wrong input HDMI2`, `- proj-04 (gallery-west): failing: probe DeviceTimeoutError`].sort());
    expect(text).toContain(`${TEST_WEB_UI}/namespaces/default/workflows/machine-proj-04`);
    expect(mail?.html).toContain('failing: probe DeviceTimeoutError');
    // DOCS_SCREENSHOTS=1 refreshes the README's picture of this message.
    if (process.env.DOCS_SCREENSHOTS) await screenshot(mail?.html || '', path.resolve(__dirname, '../../docs/readiness-report.png'));

    const calls = await waitFor('the report webhook call', () => {
      const found = webhook.received.filter((call) => call.groupLabels.report === doorsOpen);
      return found.length > 0 && found;
    }, DELIVERED_WITHIN_MS);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.receiver).toBe('ops/reports');
    const notReady = calls[0]?.alerts.filter((alert) => alert.labels.alertname === ALERT_NAMES.machineNotReady).map((alert) => [alert.labels.machine_id, alert.annotations.reason]);
    expect(notReady?.sort()).toEqual([[`player-02`, 'wrong input HDMI2'], [`proj-04`, 'failing: probe DeviceTimeoutError']]);

    // The other report came as a message of its own, and this one was sent once.
    await waitFor('the other report e-mail', () => mailsAbout(`1 machine still on after closing`).length === 1, DELIVERED_WITHIN_MS);
    expect(mailsAbout(summary)).toHaveLength(1);
  }, DELIVERED_WITHIN_MS * 3);

  it('when a report\'s alerts end, then nobody is sent a resolved message', async () => {
    const summary = `all 212 machines ready`;
    const { label: ending, alerts } = readinessReport('doors-open', summary, [], new Date(Date.now() + 6_000).toISOString());
    await postAlerts(stack.alertmanager.url, alerts);
    await waitFor('the report e-mail', () => mailsAbout(summary).length === 1, DELIVERED_WITHIN_MS);
    await waitFor('the report to end in Alertmanager', async () => (await alertsOf(stack.alertmanager)).every((alert) => alert.labels.report !== ending), DELIVERED_WITHIN_MS);

    // A later report's message comes after a resolved one of this report would have (group_interval 2 s).
    const later = `later report`;
    await postAlerts(stack.alertmanager.url, readinessReport('doors-open', later, []).alerts);
    await waitFor('the later report e-mail', () => mailsAbout(later).length === 1, DELIVERED_WITHIN_MS);
    expect(mailsAbout(summary)).toHaveLength(1);
    expect(webhook.received.filter((call) => call.groupLabels.report === ending).map((call) => call.status)).toEqual(['firing']);
  }, DELIVERED_WITHIN_MS * 4);
});

async function screenshot(html: string, file: string): Promise<void> {
  const browser = await launchChromium({ viewport: { width: 720, height: 400 } });
  try {
    await browser.page.setContent(html);
    await browser.page.screenshot({ path: file, fullPage: true });
  } finally {
    await browser.close();
  }
}
