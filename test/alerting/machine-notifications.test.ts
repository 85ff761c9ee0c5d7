/**
 * Machine alerts end to end: simulated devices, a real worker with metrics, a real Prometheus with
 * the production rules (`for:` cut to 2 s) and a real Alertmanager with the production
 * configuration, delivering to an SMTP sink and a webhook sink. Each scenario has its own zone, so
 * its messages are told apart by the zone in their subject.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { ParsedMail } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALERT_NAMES, postAlerts } from '../../alerting/contract';
import type { MachineSpec } from '../../domain/types';
import { machineWorkflowId } from '../../fleet/machines';
import { startSimulator, type Simulator } from '../../simulator';
import { startMaintenanceSignal } from '../../workflows/machine/contract';
import { startMetricsWorker, type MetricsWorker } from '../observability/metrics-worker';
import { startPrometheus, type PrometheusServer } from '../observability/prometheus-server';
import { writeFastPrometheusConfig } from '../observability/rules-files';
import { failingWithinMs, SCHEDULING_ALLOWANCE_MS } from '../support/budgets';
import { machine, pjlinkDriver } from '../support/specs';
import { temporalNamespace } from '../support/temporal';
import { waitFor } from '../support/wait-for';
import { alertsOf } from './alertmanager-server';
import { sinkEmail, startNotificationStack, TEST_WEB_UI, type NotificationStack } from './notification-stack';
import { startSmtpSink, type SmtpSink } from './smtp-sink';
import { startWebhookSink, type WebhookNotification, type WebhookSink } from './webhook-sink';

const run = randomUUID().slice(0, 8);
const zones = { solo: `solo-${run}`, west: `west-${run}`, quiet: `quiet-${run}` };
const ids = {
  solo: `proj-solo-${run}`,
  west: [1, 2, 3].map((n) => `proj-west${n}-${run}`),
  maintained: `proj-maint-${run}`,
  control: `proj-control-${run}`,
};
const GROUP_WAIT_MS = 20_000;
const SMTP = { username: 'show-control', password: `smtp-${randomUUID()}` };

let simulator: Simulator;
let worker: MetricsWorker;
let smtp: SmtpSink;
let webhook: WebhookSink;
let stack: NotificationStack;
let prometheus: PrometheusServer;
let specs: MachineSpec[] = [];

/**
 * Until a hung machine's notification is out: it counts as failing, Prometheus scrapes it and its
 * rule's `for` (2 s) passes, Alertmanager waits group_wait, then sends; each step with room to spare.
 */
const notifiedWithinMs = () => failingWithinMs(specs[0] as MachineSpec) + GROUP_WAIT_MS + 4 * SCHEDULING_ALLOWANCE_MS;

beforeAll(async () => {
  const hung = [ids.solo, ...ids.west, ids.maintained, ids.control];
  simulator = await startSimulator({ devices: hung.map((id) => ({ id, kind: 'pjlink' as const, fault: { mode: 'hang' as const } })) });
  smtp = await startSmtpSink(SMTP);
  webhook = await startWebhookSink();
  const namespace = temporalNamespace();
  stack = await startNotificationStack({
    namespace,
    notifications: {
      receivers: {
        technicians: { email: sinkEmail(smtp.smarthost, { secret: 'SMTP' }), quietHours: [] },
        ops: { webhook: { url: webhook.url }, quietHours: [] },
      },
      routes: [{ receivers: ['technicians', 'ops'], groups: Object.values(zones), severities: ['warning'] }],
      defaultReceivers: ['ops'],
      // group_wait long enough for three machines hung together to fail within it on a busy box.
      timing: { groupWaitMs: GROUP_WAIT_MS, groupIntervalMs: 3_000, repeatIntervalMs: 3_600_000 },
    },
    secrets: { SMTP: SMTP.password },
  });
  worker = await startMetricsWorker();
  const configFile = await writeFastPrometheusConfig({ dir: stack.dir, target: worker.metricsAddress, ruleFor: '2s', intervalSeconds: 1, alertmanager: stack.alertmanager.address });
  prometheus = await startPrometheus({ configFile, storageDir: path.join(stack.dir, 'prometheus-data') });

  const zoneOf = (id: string) => (id === ids.solo ? zones.solo : ids.west.includes(id) ? zones.west : zones.quiet);
  const timeouts = { connectMs: 250, responseMs: 250 };
  specs = hung.map((id) => {
    const driver = { ...pjlinkDriver(simulator.device(id).port), timeouts };
    return machine(id, driver, { group: zoneOf(id), tickMs: 1000, failingAfter: 2 });
  });
  // Maintenance first: the signal is stored with the start, before any check could fail it.
  for (const spec of specs) {
    const handle = await worker.startMachine(spec);
    if (spec.id === ids.maintained) await handle.signal(startMaintenanceSignal, { by: 'alerting test', reason: 'lamp change' });
  }
}, 120_000);

afterAll(async () => {
  await prometheus?.stop();
  await worker?.stop();
  await stack?.stop();
  await simulator?.stop();
  await smtp?.stop();
  await webhook?.stop();
});

const failingMails = (zone: string, status = 'FIRING') => smtp.messages.filter((mail) => mail.subject?.startsWith(`[${status}`) && mail.subject.includes(`MachineFailing in ${zone}:`));
const failingCalls = (zone: string, status: WebhookNotification['status'] = 'firing') =>
  webhook.received.filter((call) => call.groupLabels.alertname === 'MachineFailing' && call.groupLabels.group === zone && call.status === status);
const workflowLink = (id: string) => `${TEST_WEB_UI}/namespaces/${temporalNamespace()}/workflows/${machineWorkflowId(id)}`;

function expectNamesMachine(mail: ParsedMail | undefined, id: string, zone: string): void {
  for (const body of [mail?.text ?? '', mail?.html || '']) {
    expect(body).toContain(id);
    expect(body).toContain(zone);
    expect(body).toContain('DeviceTimeoutError in the probe');
    expect(body).toContain(workflowLink(id));
  }
}

describe('machine alerts reach people through Alertmanager', () => {
  it('when a machine hangs, then one e-mail and one webhook call name the machine, its zone, the error and its workflow in the Web UI', async () => {
    const [mail] = await waitFor('the hung machine\'s e-mail', () => failingMails(zones.solo).length > 0 && failingMails(zones.solo), notifiedWithinMs());
    expect(mail?.subject).toBe(`[FIRING:1] MachineFailing in ${zones.solo}: ${ids.solo}`);
    expectNamesMachine(mail, ids.solo, zones.solo);

    const [call] = await waitFor('the hung machine\'s webhook call', () => failingCalls(zones.solo).length > 0 && failingCalls(zones.solo), notifiedWithinMs());
    expect(call?.alerts.map(({ labels, annotations }) => ({ machine: labels.machine_id, zone: labels.group, error: annotations.error }))).toEqual([
      { machine: ids.solo, zone: zones.solo, error: 'DeviceTimeoutError in the probe' },
    ]);
  }, 300_000);

  it('when three machines of one zone hang together, then one e-mail lists the three', async () => {
    const [mail] = await waitFor('the zone\'s e-mail', () => failingMails(zones.west).length > 0 && failingMails(zones.west), notifiedWithinMs());
    expect(mail?.subject).toBe(`[FIRING:3] MachineFailing in ${zones.west}: ${[...ids.west].sort().join(', ')}`);
    for (const id of ids.west) expectNamesMachine(mail, id, zones.west);
    expect(failingCalls(zones.west).flatMap((call) => call.alerts.map((alert) => alert.labels.machine_id)).sort()).toEqual([...ids.west].sort());
  }, 300_000);

  it('when a hung machine is in maintenance, then it is never notified while a hung machine beside it is', async () => {
    const [mail] = await waitFor('the control machine\'s e-mail', () => failingMails(zones.quiet).length > 0 && failingMails(zones.quiet), notifiedWithinMs());
    expect(mail?.subject).toBe(`[FIRING:1] MachineFailing in ${zones.quiet}: ${ids.control}`);
    // Not vacuous: the maintained machine hangs too, and Alertmanager has its inhibition source.
    const sources = await waitFor(
      'MachineInMaintenance in Alertmanager',
      async () => (await alertsOf(stack.alertmanager)).filter((alert) => alert.labels.alertname === ALERT_NAMES.machineInMaintenance && alert.labels.machine_id === ids.maintained),
      30_000,
    );
    expect(sources).toHaveLength(1);
    const mentions = (id: string) => smtp.messages.filter((each) => `${each.subject} ${each.text}`.includes(id)).length + webhook.received.filter((call) => JSON.stringify(call).includes(id)).length;
    expect(mentions(ids.maintained)).toBe(0);
  }, 300_000);

  it('when a machine in maintenance (or blocked) raises another alert, then Alertmanager holds it back while the same alert of the machine beside it is sent', async () => {
    const blocked = `proj-blocked-${run}`;
    const deviceError = (id: string) => ({ labels: { alertname: 'DeviceReportsError', severity: 'warning', machine_id: id, group: zones.quiet, component: 'lamp' }, annotations: { summary: `Machine ${id} reports a lamp error` } });
    await postAlerts(stack.alertmanager.url, [
      deviceError(ids.maintained),
      deviceError(ids.control),
      // The inhibition issue 15's dependency rule will raise, by hand here.
      { labels: { alertname: ALERT_NAMES.machineBlocked, severity: 'warning', machine_id: blocked, group: zones.quiet } },
      deviceError(blocked),
    ]);
    const [mail] = await waitFor(
      'the control machine\'s lamp error e-mail',
      () => {
        const found = smtp.messages.filter((each) => each.subject?.includes(`DeviceReportsError in ${zones.quiet}`));
        return found.length > 0 && found;
      },
      GROUP_WAIT_MS + 4 * SCHEDULING_ALLOWANCE_MS,
    );
    expect(mail?.subject).toBe(`[FIRING:1] DeviceReportsError in ${zones.quiet}: ${ids.control}`);
    const held = (await alertsOf(stack.alertmanager)).filter((alert) => alert.labels.alertname === 'DeviceReportsError' && alert.status.inhibitedBy.length > 0);
    expect(held.map((alert) => alert.labels.machine_id).sort()).toEqual([ids.maintained, blocked].sort());
  }, 120_000);

  it('when the hung machine recovers, then a resolved e-mail and webhook call follow', async () => {
    simulator.device(ids.solo).setFault(undefined);
    const [mail] = await waitFor('the resolved e-mail', () => failingMails(zones.solo, 'RESOLVED').length > 0 && failingMails(zones.solo, 'RESOLVED'), notifiedWithinMs());
    expect(mail?.subject).toBe(`[RESOLVED] MachineFailing in ${zones.solo}: ${ids.solo}`);
    const [call] = await waitFor('the resolved webhook call', () => failingCalls(zones.solo, 'resolved').length > 0 && failingCalls(zones.solo, 'resolved'), notifiedWithinMs());
    expect(call?.alerts.map((alert) => [alert.labels.machine_id, alert.status])).toEqual([[ids.solo, 'resolved']]);
  }, 300_000);

  it('when the run is over, then each zone was sent exactly one firing message by each receiver', () => {
    for (const zone of Object.values(zones)) {
      expect(failingMails(zone).map((mail) => mail.subject), zone).toHaveLength(1);
      expect(failingCalls(zone).length, zone).toBe(1);
    }
  });
});
