import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { scanActivityHistories, type ActivityRecord } from '../../harness/activity-history';
import { machineWorkflowId } from '../../fleet/machines';
import { startSimulator, type Simulator } from '../../simulator';
import {
  clearOverrideSignal,
  endMaintenanceSignal,
  setOverrideSignal,
  startMaintenanceSignal,
} from '../../workflows/machine/contract';
import { failedChecksWithinMs } from '../support/budgets';
import { startTestWorker, type TestWorker } from '../support/machine-worker';
import { waitFor } from '../support/wait-for';
import { ALWAYS_OFF, ALWAYS_ON, FAST_TIMEOUTS, machine, pjlinkDriver } from '../support/specs';

const operator = { by: 'test operator', reason: 'test' };

let simulator: Simulator;
let worker: TestWorker;

beforeAll(async () => {
  simulator = await startSimulator({
    devices: [
      { id: 'opening', kind: 'pjlink', initialPower: 'off', warmupMs: 200, cooldownMs: 200 },
      { id: 'slow-warmup', kind: 'pjlink', initialPower: 'off', warmupMs: 4000, cooldownMs: 200 },
      { id: 'min-on', kind: 'pjlink', initialPower: 'on', warmupMs: 0, cooldownMs: 0, minOnMs: 60_000 },
      { id: 'hung', kind: 'pjlink', initialPower: 'off', fault: { mode: 'hang' } },
      { id: 'override', kind: 'pjlink', initialPower: 'off', warmupMs: 100, cooldownMs: 100 },
      { id: 'maintenance', kind: 'pjlink', initialPower: 'on', warmupMs: 100, cooldownMs: 100 },
      { id: 'long-lived', kind: 'pjlink', initialPower: 'off', warmupMs: 100, cooldownMs: 100, password: 'secret-pw' },
      { id: 'recovering', kind: 'pjlink', initialPower: 'on', warmupMs: 0, cooldownMs: 0, fault: { mode: 'hang' } },
      { id: 'hung-long-lived', kind: 'pjlink', initialPower: 'on', fault: { mode: 'hang' } },
    ],
  });
  worker = await startTestWorker({ LONG_LIVED_PJLINK: 'secret-pw' });
});

afterEach(async () => {
  await worker.terminateMachines();
});

afterAll(async () => {
  await worker?.stop();
  await simulator?.stop();
});

function powerCommands(id: string): string[] {
  return simulator
    .device(id)
    .commands.map((entry) => entry.command)
    .filter((command) => command.includes('POWR'));
}

describe('machine workflow against a real dev server and simulated projectors', () => {
  it('when a projector is off during opening hours, then it is switched on within one tick', async () => {
    const device = simulator.device('opening');
    await worker.startMachine(machine('opening', pjlinkDriver(device.port), { schedule: ALWAYS_ON }));

    await waitFor('the projector to be on', () => device.power === 'on', 3000);
    const status = await waitFor('a check that saw it on', async () => {
      const s = await worker.status('opening');
      return s.observed?.power === 'on' && s;
    });
    expect(status.desired).toBe('on');
    expect(status.health).toBe('ok');
    const probes = await probesOf(machineWorkflowId('opening'));
    expect(probes.length).toBeGreaterThan(0);
    expect(probes.filter((probe) => !probe.local), 'a healthy machine probes only with local activities').toEqual([]);
  });

  it('when a projector is warming up, then the controller waits instead of repeating the command', async () => {
    const device = simulator.device('slow-warmup');
    await worker.startMachine(machine('slow-warmup', pjlinkDriver(device.port), { schedule: ALWAYS_ON }));

    await waitFor('the projector to warm up', () => device.power === 'warming', 3000);
    await waitFor('two checks that saw it warming', async () => {
      const s = await worker.status('slow-warmup');
      return s.lastCheck?.outcome === 'transitional' && s.lastCheck.atMs > Date.now() - 1500 && s;
    });
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(powerCommands('slow-warmup').filter((command) => command.endsWith('POWR 1'))).toHaveLength(1);
  });

  it('when the projector rejects a command with ERR3, then the check is transitional, not a failure', async () => {
    const device = simulator.device('min-on');
    device.setPower('on');
    await worker.startMachine(machine('min-on', pjlinkDriver(device.port), { schedule: ALWAYS_OFF }));

    const status = await waitFor('a rejected power-off', async () => {
      const s = await worker.status('min-on');
      return s.lastCheck?.failure !== undefined && s;
    });
    expect(status.lastCheck).toMatchObject({ outcome: 'transitional', failure: { type: 'DeviceBusyError', step: 'command' } });
    expect(status.consecutiveFailures).toBe(0);
    expect(status.health).toBe('ok');
    expect(device.power).toBe('on');
  });

  it('when a device accepts the connection and never answers, then one local probe fails, the same tick probes again as an activity that fails within its deadline with a message naming the machine and step, and no socket stays open', async () => {
    const baseline = openTcpSockets();
    const device = simulator.device('hung');
    const spec = machine('hung', pjlinkDriver(device.port), { schedule: ALWAYS_ON });
    const handle = await worker.startMachine(spec);

    const status = await waitFor('a failed probe', async () => {
      const s = await worker.status('hung');
      return s.lastCheck?.outcome === 'failed' && s;
    }, failedChecksWithinMs(spec, 1));
    expect(status.lastCheck?.failure?.type).toBe('DeviceTimeoutError');
    expect(status.lastCheck?.failure?.message).toContain('hung');
    expect(status.lastCheck?.failure?.message).toContain(`127.0.0.1:${device.port}`);
    expect(status.lastCheck?.failure?.message).toMatch(/step "[^"]+"/);
    await waitFor('a second failed check', async () => (await worker.status('hung')).consecutiveFailures >= 2, failedChecksWithinMs(spec, 1));

    const probes = await probesOf(handle.workflowId);
    const [first, ...rest] = probes;
    expect(first, 'the first probe ran locally, one attempt').toMatchObject({ local: true, outcome: 'failed', attempts: 1, failureType: 'DeviceTimeoutError' });
    expect(rest.length, 'the same tick probed again as an activity, and so did the next').toBeGreaterThanOrEqual(2);
    const deadlineMs = FAST_TIMEOUTS.connectMs + 2 * FAST_TIMEOUTS.responseMs;
    for (const probe of rest.filter((record) => record.outcome !== 'open')) {
      expect(probe, 'a failing machine probes with regular activities only').toMatchObject({ local: false, outcome: 'failed', failureType: 'DeviceTimeoutError' });
      expect(probe.failureMessage).toMatch(/^hung ".*" at 127\.0\.0\.1:\d+: no reply within \d+ ms at step "[^"]+" \(elapsed \d+ ms\)$/);
      // Every attempt ends within its deadline (+1 s slack); attempts are 1 s apart.
      const attempts = probe.attempts ?? 1;
      expect((probe.closedAt ?? Number.POSITIVE_INFINITY) - probe.scheduledAt).toBeLessThanOrEqual(attempts * (deadlineMs + 1000) + (attempts - 1) * 1000);
    }

    await worker.terminateMachines();
    await waitFor('sockets back to the baseline', () => openTcpSockets() <= baseline, 5000);
    await waitFor('the device to see no connection', () => device.openConnections === 0, 5000);
  }, 120_000);

  it('when a hung device answers again, then the next probe that succeeds is the last activity, and the machine probes locally again', async () => {
    const device = simulator.device('recovering');
    const spec = machine('recovering', pjlinkDriver(device.port), { schedule: ALWAYS_ON });
    const handle = await worker.startMachine(spec);
    await waitFor('a failed probe activity', async () => (await probesOf(handle.workflowId)).some((probe) => !probe.local && probe.outcome === 'failed'), failedChecksWithinMs(spec, 1));

    device.setFault(undefined);
    await waitFor('two local probes that answered', async () => {
      const probes = await probesOf(handle.workflowId);
      return probes.filter((probe) => probe.local && probe.outcome === 'completed').length >= 2;
    }, failedChecksWithinMs(spec, 3));
    const probes = await probesOf(handle.workflowId);
    const lastActivity = probes.findLastIndex((probe) => !probe.local);
    expect(probes[lastActivity], 'the activity that found the device answering').toMatchObject({ outcome: 'completed' });
    expect(probes.slice(lastActivity + 1).every((probe) => probe.local), 'every probe after it is local').toBe(true);
    expect((await worker.status('recovering')).health).toBe('ok');
  }, 120_000);

  it('when a failing machine continues as new, then the new run keeps probing with activities', async () => {
    const device = simulator.device('hung-long-lived');
    const spec = machine('hung-long-lived', pjlinkDriver(device.port), { schedule: ALWAYS_ON });
    const handle = await worker.startMachine(spec, 2);
    const firstRunId = (await handle.describe()).runId;
    await waitFor('a later run with a failed probe activity', async () => {
      const probes = await probesOf(handle.workflowId);
      return probes.some((probe) => probe.runId !== firstRunId && !probe.local && probe.outcome === 'failed');
    }, failedChecksWithinMs(spec, 3));

    const laterRuns = (await probesOf(handle.workflowId)).filter((probe) => probe.runId !== firstRunId);
    expect(laterRuns.filter((probe) => probe.local), 'no local probe once the machine is known to fail').toEqual([]);
  }, 120_000);

  it('when an operator overrides the schedule, then the override wins until it expires or is cleared', async () => {
    const device = simulator.device('override');
    const handle = await worker.startMachine(machine('override', pjlinkDriver(device.port), { schedule: ALWAYS_OFF }));
    await waitFor('a first check', async () => (await worker.status('override')).lastCheck);

    await handle.signal(setOverrideSignal, { ...operator, power: 'on', untilMs: Date.now() + 4000 });
    await waitFor('the override to switch it on', () => device.power === 'on', 3000);
    await waitFor('the expiry to switch it off again', () => device.power === 'off', 8000);
    const expired = await worker.status('override');
    expect(expired.override).toBeUndefined();
    expect(expired.audit.map((entry) => entry.action)).toContain('override expired');

    await handle.signal(setOverrideSignal, { ...operator, power: 'on' });
    await waitFor('the open-ended override to switch it on', () => device.power === 'on', 3000);
    await handle.signal(clearOverrideSignal, operator);
    await waitFor('clearing to return to the schedule', () => device.power === 'off', 3000);
  });

  it('when a machine is in maintenance, then the controller sends no command while it drifts, and corrects it afterwards', async () => {
    const device = simulator.device('maintenance');
    const handle = await worker.startMachine(machine('maintenance', pjlinkDriver(device.port), { schedule: ALWAYS_ON }));
    await waitFor('a first check', async () => (await worker.status('maintenance')).lastCheck);

    await handle.signal(startMaintenanceSignal, { ...operator, reason: 'lamp change' });
    await waitFor('maintenance mode', async () => (await worker.status('maintenance')).mode === 'maintenance');
    const commandsBefore = device.commands.length;
    device.setPower('off');
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(device.power).toBe('off');
    expect(device.commands.length).toBe(commandsBefore);

    await handle.signal(endMaintenanceSignal, operator);
    await waitFor('the device corrected after maintenance', () => device.power === 'on', 3000);
  });

  it('when the workflow continues as new, then override, maintenance and the last observation carry over', async () => {
    const device = simulator.device('long-lived');
    const spec = machine('long-lived', pjlinkDriver(device.port, 'LONG_LIVED_PJLINK'), { schedule: ALWAYS_OFF });
    const handle = await worker.startMachine(spec, 2);
    const firstRunId = (await handle.describe()).runId;

    await handle.signal(setOverrideSignal, { ...operator, power: 'on', reason: 'gala night' });
    await waitFor('a check that saw it on', async () => (await worker.status('long-lived')).observed?.power === 'on', 5000);
    await handle.signal(startMaintenanceSignal, { ...operator, reason: 'filter clean' });

    await waitFor('a new run', async () => (await handle.describe()).runId !== firstRunId, 10_000);
    const status = await worker.status('long-lived');
    expect(status.override).toMatchObject({ power: 'on', reason: 'gala night', by: 'test operator' });
    expect(status.maintenance).toMatchObject({ reason: 'filter clean' });
    expect(status.observed?.power).toBe('on');
    expect(status.audit.map((entry) => entry.action)).toEqual(expect.arrayContaining(['override on', 'maintenance']));
  });
});

function client() {
  return worker.client;
}

function openTcpSockets(): number {
  return process.getActiveResourcesInfo().filter((resource) => resource === 'TCPSocketWrap').length;
}

/** Every probe in the machine's history, all runs, oldest first: local markers and regular activities. */
async function probesOf(workflowId: string): Promise<ActivityRecord[]> {
  const { activities } = await scanActivityHistories(client(), worker.taskQueue);
  return activities
    .filter((record) => record.workflowId === workflowId && record.activityType === 'probePower')
    .sort((a, b) => a.scheduledAt - b.scheduledAt);
}
