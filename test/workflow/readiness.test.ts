import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReadinessSpec } from '../../domain/readiness';
import { instantToLocal } from '../../domain/schedule';
import { syncReadiness } from '../../fleet/readiness';
import { startSimulator, type Simulator } from '../../simulator';
import { machineWorkflowId } from '../../fleet/machines';
import { startMaintenanceSignal } from '../../workflows/machine/contract';
import { readinessStatusQuery, readinessWorkflowId, type DeliveredReport } from '../../workflows/readiness/contract';
import { startNotificationStack, type NotificationStack } from '../alerting/notification-stack';
import { startWebhookSink, type WebhookSink } from '../alerting/webhook-sink';
import { startTestWorker, type TestWorker } from '../support/machine-worker';
import { waitFor } from '../support/wait-for';
import { machine, pjlinkDriver, schedule } from '../support/specs';

const MINUTE = 60_000;
/** Long, so between the machines' first checks and the report only the report's own checks correct anything. */
const TICK_MS = 5 * MINUTE;

let simulator: Simulator;
let worker: TestWorker;
let webhook: WebhookSink;
let stack: NotificationStack;

beforeAll(async () => {
  simulator = await startSimulator({
    devices: [
      { id: 'ready-proj', kind: 'pjlink', initialPower: 'on', warmupMs: 0, cooldownMs: 0 },
      { id: 'switched-off', kind: 'pjlink', initialPower: 'on', warmupMs: 0, cooldownMs: 0 },
      { id: 'hung-proj', kind: 'pjlink', fault: { mode: 'hang' } },
      { id: 'maintained', kind: 'pjlink', initialPower: 'off', warmupMs: 0, cooldownMs: 0 },
    ],
  });
  webhook = await startWebhookSink();
  // Alertmanager configured the production way, its one receiver the webhook sink.
  stack = await startNotificationStack({
    notifications: { receivers: { ops: { webhook: { url: webhook.url }, quietHours: [] } }, routes: [], defaultReceivers: ['ops'], timing: { groupWaitMs: 1_000, groupIntervalMs: 1_000, repeatIntervalMs: 3_600_000 } },
  });
  worker = await startTestWorker({}, { alertmanagerUrl: stack.alertmanager.url });
});

afterAll(async () => {
  await worker?.client.workflow.getHandle(readinessWorkflowId(worker.taskQueue)).terminate('test finished').catch(() => undefined);
  await worker?.stop();
  await simulator?.stop();
  await stack?.stop();
  await webhook?.stop();
});

/** Opening hours (UTC) whose next opening is the start of a minute at least a minute away, with the check due `dueInMs` from now. */
function openingSoon(dueInMs: number): { spec: ReadinessSpec; openingMs: number } {
  const openingMs = Math.ceil((Date.now() + MINUTE) / MINUTE) * MINUTE;
  const from = instantToLocal(openingMs, 'UTC').time;
  const to = instantToLocal(openingMs + 120 * MINUTE, 'UTC').time;
  return {
    openingMs,
    spec: {
      venue: { name: 'Readiness test venue', timezone: 'UTC' },
      schedule: { ...schedule([`${from}-${to}`]), name: 'opening-hours' },
      beforeMs: openingMs - Date.now() - dueInMs,
      afterClosingMs: 15 * MINUTE,
      recheckAfterMs: 5_000,
    },
  };
}

describe('the doors-open readiness report', () => {
  it('when two machines lag before an opening, then one report lists exactly those two with their reasons, after the others were checked and corrected once more', async () => {
    const driver = (id: string) => pjlinkDriver(simulator.device(id).port);
    for (const id of ['ready-proj', 'switched-off', 'maintained']) await worker.startMachine(machine(id, driver(id), { tickMs: TICK_MS }));
    await worker.startMachine(machine('hung-proj', driver('hung-proj'), { tickMs: TICK_MS, failingAfter: 1 }));
    await waitFor('every machine checked once', async () => {
      const statuses = await Promise.all(['ready-proj', 'switched-off', 'hung-proj', 'maintained'].map((id) => worker.status(id)));
      return statuses.every((status) => status.lastCheck !== undefined) && statuses;
    }, 30_000);
    await worker.client.workflow.getHandle(machineWorkflowId('maintained')).signal(startMaintenanceSignal, { by: 'sam', reason: 'lamp change' });
    // Behind the system's back, after its last check: only the report's own check can find and correct it.
    simulator.device('switched-off').setPower('off');

    const { spec, openingMs } = openingSoon(8_000);
    expect(await syncReadiness(worker.client, worker.taskQueue, spec)).toBe('started');
    const readiness = worker.client.workflow.getHandle(readinessWorkflowId(worker.taskQueue));
    const report = await waitFor(
      'the doors-open report, delivered',
      async () => (await readiness.query(readinessStatusQuery)).reports.find((candidate: DeliveredReport) => candidate.delivery !== undefined),
      90_000,
    );

    expect(report).toMatchObject({ kind: 'doors-open', referenceMs: openingMs, machines: 4, checksRequested: 3, trigger: 'scheduled' });
    expect(report.notReady.map(({ id, reason }) => ({ id, reason }))).toEqual([
      { id: 'hung-proj', reason: expect.stringMatching(/^failing: probe .*hung-proj.*no reply within 500 ms/) },
      { id: 'maintained', reason: 'in maintenance (sam: lamp change)' },
    ]);
    expect(report.summary).toBe(`2 of 4 machines not ready for doors open at ${instantToLocal(openingMs, 'UTC').time}`);
    expect(simulator.device('switched-off').power, 'switched on again by the check before the report').toBe('on');
    expect(report.delivery).toMatchObject({ delivered: true });

    const [notification, ...more] = await waitFor('the report through Alertmanager', () => webhook.received.length > 0 && webhook.received, 30_000);
    expect(more, 'one notification for the report').toEqual([]);
    expect(notification!.alerts.map((alert) => [alert.labels.alertname, alert.labels.machine_id ?? '', alert.annotations.reason ?? '']).sort()).toEqual([
      ['MachineNotReady', 'hung-proj', report.notReady[0]!.reason],
      ['MachineNotReady', 'maintained', 'in maintenance (sam: lamp change)'],
      ['ReadinessReport', '', ''],
    ]);
    expect(notification!.commonLabels.venue).toBe('Readiness test venue');
    expect(notification!.alerts.find((alert) => alert.labels.alertname === 'ReadinessReport')?.annotations.summary).toBe(report.summary);

    const status = await readiness.query(readinessStatusQuery);
    expect(status.next, 'the next report is the one after the closing').toMatchObject({ kind: 'after-closing', referenceMs: openingMs + 120 * MINUTE });
  }, 180_000);
});
