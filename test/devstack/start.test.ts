import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deviceCallTimeoutMs } from '../../domain/deadline';
import { loadVenueConfig } from '../../config/load';
import { postAlerts } from '../../alerting/contract';
import { ALERTMANAGER_BINARIES, findBinary, PROMETHEUS_BINARIES } from '../../devstack/system-binary';
import { machineWorkflowId } from '../../fleet/machines';
import { MACHINE_WORKFLOW_TYPE, statusQuery, type MachineStatus } from '../../workflows/machine/contract';
import { failedChecksWithinMs } from '../support/budgets';
import { waitFor } from '../support/wait-for';
import { isListening, startNpmStart, type NpmStart } from '../support/npm-start';

const FAULTY = ['proj-07', 'player-07'];
const DEMO_TICK = '2s';
const demoVenue = loadVenueConfig(path.resolve(__dirname, '../../config/demo-venue.yaml'), { ...process.env, DEMO_TICK });
const DEMO_MACHINES = demoVenue.machines.length;
const hungProjector = demoVenue.machines.find((spec) => spec.id === 'proj-07')!;
/** The dev server's own stop after the worker has drained (SIGTERM to exit, measured about 1-1.5 s). */
const DEV_SERVER_STOP_MS = 3_000;

let start: NpmStart;

/** `npm start` as a user runs it, on free ports, with a 2 s tick so ticks pass quickly. */
beforeAll(async () => {
  start = await startNpmStart({ DEMO_TICK });
}, 180_000);

afterAll(() => start?.cleanUp());

/** The power commands a machine's workflow sent, over all its runs, in order: from the histories, as the Web UI shows them. */
async function powerCommandsOf(machineId: string): Promise<{ power: string; atMs: number }[]> {
  const commands: { power: string; atMs: number }[] = [];
  for await (const run of start.client.workflow.list({ query: `WorkflowId = '${machineWorkflowId(machineId)}'` })) {
    const history = await start.client.workflow.getHandle(run.workflowId, run.runId).fetchHistory();
    for (const event of history.events ?? []) {
      const scheduled = event.activityTaskScheduledEventAttributes;
      if (scheduled?.activityType?.name !== 'setPower') continue;
      const power = JSON.parse(Buffer.from(scheduled.input?.payloads?.[1]?.data ?? []).toString()) as string;
      commands.push({ power, atMs: Number(event.eventTime?.seconds ?? 0) * 1000 + Math.floor((event.eventTime?.nanos ?? 0) / 1e6) });
    }
  }
  return commands.sort((a, b) => a.atMs - b.atMs);
}

async function statuses(): Promise<MachineStatus[]> {
  const ids: string[] = [];
  for await (const info of start.client.workflow.list({ query: `WorkflowType = '${MACHINE_WORKFLOW_TYPE}' AND ExecutionStatus = 'Running'` })) ids.push(info.workflowId);
  return Promise.all(ids.map((id) => start.client.workflow.getHandle(id).query(statusQuery)));
}

describe('npm start (the demo venue)', () => {
  it('when it starts, then it prints where the Web UI, Temporal and the metrics are', () => {
    const output = start.output();
    const { ports } = start;
    expect(output).toContain(`Web UI:      http://127.0.0.1:${ports.TEMPORAL_UI_PORT}/namespaces/default/workflows`);
    expect(output).toContain(`Temporal:    127.0.0.1:${ports.TEMPORAL_PORT}`);
    expect(output).toContain(`metrics:     http://127.0.0.1:${ports.METRICS_PORT}/metrics`);
    expect(output).toContain(`${DEMO_MACHINES} started`);
    expect(output).toContain('readiness:   reports 20 min before each opening of "opening-hours" (started)');
  });

  it('when Prometheus and Alertmanager are installed, then it runs them, Prometheus sends to Alertmanager, and a notification is printed in its terminal', async () => {
    // These tests never skip: without the programs this fails, saying what to install.
    expect(findBinary(PROMETHEUS_BINARIES), 'prometheus on the PATH (apt-get install prometheus)').toBeDefined();
    expect(findBinary(ALERTMANAGER_BINARIES), 'alertmanager on the PATH (apt-get install prometheus-alertmanager)').toBeDefined();
    const { ports } = start;
    const alertmanager = `http://127.0.0.1:${ports.ALERTMANAGER_PORT}`;
    expect(start.output()).toContain(`Alertmanager: ${alertmanager}/`);
    expect(start.output()).toContain(`Prometheus:  http://127.0.0.1:${ports.PROMETHEUS_PORT}/alerts`);
    expect((await fetch(`${alertmanager}/-/ready`)).status).toBe(200);
    await waitFor('Prometheus to know its Alertmanager', async () => {
      const body = (await (await fetch(`http://127.0.0.1:${ports.PROMETHEUS_PORT}/api/v1/alertmanagers`)).json()) as { data: { activeAlertmanagers: { url: string }[] } };
      return body.data.activeAlertmanagers.some((each) => each.url.startsWith(alertmanager));
    }, 30_000);

    // The demo venue's receiver is the printer; its group_wait is 10 s.
    await postAlerts(alertmanager, [{ labels: { alertname: 'DemoCheck', severity: 'info' }, annotations: { summary: 'the alert path works' } }]);
    await waitFor('the notification printed', () => start.output().includes('notification: FIRING DemoCheck: the alert path works'), 60_000);
  }, 120_000);

  it('when it runs, then there is one running workflow per demo machine, and the faulty ones fail with readable messages', async () => {
    const failures = await waitFor('both faulty machines to have failed checks', async () => {
      const all = await statuses();
      const failed = all.filter((s) => FAULTY.includes(s.id) && s.lastCheck?.outcome === 'failed');
      return all.length === DEMO_MACHINES && failed.length === FAULTY.length && failed;
    }, failedChecksWithinMs(hungProjector, 1));
    const messages = Object.fromEntries(failures.map((s) => [s.id, s.lastCheck?.failure]));
    expect(messages['proj-07']).toMatchObject({ type: 'DeviceTimeoutError' });
    expect(messages['proj-07']?.message).toMatch(/^proj-07 ".*" at 127\.0\.10\.7:\d+: no reply within 3000 ms at step "read greeting" \(elapsed \d+ ms\)$/);
    expect(messages['player-07']).toMatchObject({ type: 'DeviceUnreachableError' });
    expect(messages['player-07']?.message).toContain('connection refused');
  }, failedChecksWithinMs(hungProjector, 1) + 10_000);

  it('when the devices have had time to warm up and boot, then every healthy machine is in its scheduled state', async () => {
    const healthy = await waitFor('every healthy machine observed in its desired state', async () => {
      const all = (await statuses()).filter((s) => !FAULTY.includes(s.id));
      return all.length === DEMO_MACHINES - FAULTY.length && all.every((s) => s.observed?.power === s.desired) && all;
    }, 60_000);
    expect(new Set(healthy.map((s) => s.desired))).toEqual(new Set(['on', 'off']));
  });

  it('when it starts, then machines switch in the order of the dependency map: what a machine needs on before it, what needs a machine off before it', async () => {
    const pairs = demoVenue.machines.flatMap((spec) => (spec.dependencies?.needs ?? []).map((needed) => ({ needed, dependent: spec.id })));
    const commands = new Map(await Promise.all(demoVenue.machines.map(async (spec) => [spec.id, await powerCommandsOf(spec.id)] as const)));
    const first = (id: string, power: 'on' | 'off') => commands.get(id)?.find((command) => command.power === power)?.atMs;
    const compared = pairs.flatMap(({ needed, dependent }) => {
      const on = [first(needed, 'on'), first(dependent, 'on')] as const;
      const off = [first(dependent, 'off'), first(needed, 'off')] as const;
      return [on, off].filter((pair): pair is readonly [number, number] => pair[0] !== undefined && pair[1] !== undefined).map(([before, after]) => ({ needed, dependent, before, after }));
    });
    // The demo's devices start so that every hour has a pair to switch: the mixer and amp-02 and
    // amp-04 in the odd hours, player-02 and proj-02 in the even ones.
    expect(compared.length, JSON.stringify(Object.fromEntries(commands))).toBeGreaterThan(0);
    for (const { needed, dependent, before, after } of compared) expect(before, `${needed} and ${dependent}`).toBeLessThan(after);
  });

  it('when a terminal sends Ctrl-C to its process group while a hung projector is being probed, then the worker drains, the dev server stops last, and it exits 0 quietly within seconds', async () => {
    // At a 2 s tick its failing probe (an activity of two 3 s attempts) is always on the wire.
    await waitFor('the hung projector probed as an activity', async () => (await start.client.workflow.getHandle(machineWorkflowId('proj-07')).query(statusQuery)).consecutiveFailures >= 2, failedChecksWithinMs(hungProjector, 2));

    const { code, signal, afterMs, printedAfter } = await start.interrupt();
    expect({ code, signal }, printedAfter).toEqual({ code: 0, signal: null });
    // The worker waits for the attempt on the wire (its deadline ends it), then the dev server stops.
    expect(afterMs, printedAfter).toBeLessThanOrEqual(deviceCallTimeoutMs(hungProjector.driver) + DEV_SERVER_STOP_MS);
    // The probe on the wire may still report its device's failure; nothing else is said.
    const said = printedAfter.split('\n').filter((line) => line.trim() !== '' && !/^WARN Activity failed \[machine-(proj|player)-07 probePower attempt \d\]/.test(line));
    expect(said, 'nothing failed, retried or warned while stopping').toEqual([]);
    expect(await isListening(start.ports.TEMPORAL_PORT)).toBe(false);
    expect(await isListening(start.ports.DEMO_PJLINK_PORT, '127.0.10.1')).toBe(false);
  }, failedChecksWithinMs(hungProjector, 2) + 30_000);
});
