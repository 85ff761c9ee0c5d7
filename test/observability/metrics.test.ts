import { randomUUID } from 'node:crypto';
import { Runtime } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEVICE_METRICS } from '../../activities';
import { startSimulator, type Simulator } from '../../simulator';
import { HISTOGRAM_BUCKETS_SECONDS } from '../../worker/metrics';
import { machineWorkflowId } from '../../fleet/machines';
import { MACHINE_METRIC_HELP, MACHINE_METRICS, MACHINE_WORKFLOW_TYPE, retireSignal, startMaintenanceSignal } from '../../workflows/machine/contract';
import { machine, pjlinkDriver } from '../support/specs';
import { scrape, select, total, type Sample } from './exposition';
import { waitFor } from '../support/wait-for';
import { startMetricsWorker, type MetricsWorker } from './metrics-worker';
import { readAlertRules, workerMetricsUsedByRules } from './rules-files';

const operator = { by: 'metrics test', reason: 'test' };
/** Each machine in its own group, so a group's series tell which machine they came from. */
const run = randomUUID().slice(0, 8);
const ids = { inSync: `in-sync-${run}`, switchedOn: `switched-on-${run}`, hung: `hung-${run}`, maintained: `maintained-${run}` };
const groups = { inSync: 'lobby', switchedOn: 'gallery', hung: 'hall', maintained: 'workshop' };

let simulator: Simulator;
let worker: MetricsWorker;
let samples: Sample[];

beforeAll(async () => {
  simulator = await startSimulator({
    devices: [
      { id: ids.inSync, kind: 'pjlink', initialPower: 'on', lampHours: 1500, errorStatus: '020000' },
      { id: ids.switchedOn, kind: 'pjlink', initialPower: 'off', warmupMs: 100 },
      { id: ids.hung, kind: 'pjlink', fault: { mode: 'hang' } },
      { id: ids.maintained, kind: 'pjlink', initialPower: 'on' },
    ],
  });
  worker = await startMetricsWorker();
  const timeouts = { connectMs: 250, responseMs: 250 };
  for (const key of ['inSync', 'switchedOn', 'hung', 'maintained'] as const) {
    const driver = { ...pjlinkDriver(simulator.device(ids[key]).port), timeouts };
    // The in-sync projector also reads its telemetry (at its first tick, then hourly).
    const telemetry = key === 'inSync' ? { telemetryIntervalMs: 3_600_000 } : {};
    await worker.startMachine(machine(ids[key], driver, { group: groups[key], failingAfter: 2, ...telemetry }));
  }
  await worker.client.workflow.getHandle(machineWorkflowId(ids.maintained)).signal(startMaintenanceSignal, operator);

  samples = await waitFor(
    'every outcome, a failing machine and a tick on the endpoint',
    async () => {
      const current = await scrape(worker.metricsUrl);
      const seen =
        total(current, MACHINE_METRICS.failing, { machine_id: ids.hung }) === 1 &&
        total(current, MACHINE_METRICS.checks, { group: groups.switchedOn, outcome: 'commanded' }) > 0 &&
        total(current, MACHINE_METRICS.checks, { group: groups.maintained, outcome: 'maintenance' }) > 0 &&
        total(current, `${MACHINE_METRICS.tickLateness}_count`, { group: groups.inSync }) > 0 &&
        select(current, DEVICE_METRICS.componentState, { machine_id: ids.inSync }).length > 0;
      return seen && current;
    },
    45_000,
  );
});

afterAll(async () => {
  await worker?.stop();
  await simulator?.stop();
});

describe('the worker Prometheus endpoint', () => {
  it('when the worker runs, then our series appear without the SDK prefix next to its temporal_* series', () => {
    expect(select(samples, MACHINE_METRICS.checks).length).toBeGreaterThan(0);
    expect(samples.filter((sample) => sample.name.startsWith('temporal_showctl'))).toEqual([]);
    // The TypeScript SDK tags custom series with camelCase names, unlike its own snake_case ones.
    expect(select(samples, MACHINE_METRICS.checks)[0]?.labels).toMatchObject({ taskQueue: worker.taskQueue, workflowType: MACHINE_WORKFLOW_TYPE });
    expect(select(samples, 'temporal_worker_task_slots_available', { worker_type: 'ActivityWorker', task_queue: worker.taskQueue })).toHaveLength(1);
  });

  it('when machines are checked, then checks are counted by group and outcome', () => {
    expect(total(samples, MACHINE_METRICS.checks, { group: groups.inSync, outcome: 'in-sync' })).toBeGreaterThan(0);
    expect(total(samples, MACHINE_METRICS.checks, { group: groups.switchedOn, outcome: 'commanded' })).toBeGreaterThan(0);
    expect(total(samples, MACHINE_METRICS.checks, { group: groups.hung, outcome: 'failed' })).toBeGreaterThan(0);
    expect(total(samples, MACHINE_METRICS.checks, { group: groups.maintained, outcome: 'maintenance' })).toBeGreaterThan(0);
    expect(total(samples, MACHINE_METRICS.checks, { group: groups.inSync, outcome: 'failed' })).toBe(0);
  });

  it('when a machine is switched on, then the command is counted with its power', () => {
    expect(total(samples, MACHINE_METRICS.commands, { group: groups.switchedOn, power: 'on' })).toBeGreaterThan(0);
    expect(total(samples, MACHINE_METRICS.commands, { group: groups.inSync })).toBe(0);
  });

  it('when devices are called, then their latency is a histogram in seconds by driver, operation and result', () => {
    const probeBuckets = select(samples, `${DEVICE_METRICS.callDuration}_bucket`, { driver: 'pjlink', operation: 'probe', result: 'ok' });
    const bounds = probeBuckets.map((sample) => sample.labels.le);
    expect(bounds).toEqual([...(HISTOGRAM_BUCKETS_SECONDS[DEVICE_METRICS.callDuration] ?? []).map(String), '+Inf']);
    expect(probeBuckets[0]?.labels).toMatchObject({ namespace: 'default', taskQueue: worker.taskQueue, activityType: 'probePower' });
    expect(total(samples, `${DEVICE_METRICS.callDuration}_count`, { driver: 'pjlink', operation: 'command', result: 'ok' })).toBeGreaterThan(0);
    const hungCalls = select(samples, `${DEVICE_METRICS.callDuration}_sum`, { operation: 'probe', result: 'error' });
    expect(hungCalls.length).toBeGreaterThan(0);
  });

  it('when a device hangs, then its calls count as timeouts of the driver deadline and as failures by type', () => {
    expect(total(samples, DEVICE_METRICS.timeouts, { driver: 'pjlink', operation: 'probe', deadline: 'driver' })).toBeGreaterThanOrEqual(2);
    expect(total(samples, DEVICE_METRICS.timeouts, { deadline: 'activity' })).toBe(0);
    expect(total(samples, DEVICE_METRICS.callFailures, { driver: 'pjlink', error: 'DeviceTimeoutError' })).toBeGreaterThanOrEqual(2);
  });

  it('when one machine fails and another is in maintenance, then each health gauge says so per machine', () => {
    const gauge = (name: string, id: string) => select(samples, name, { machine_id: id }).map((sample) => sample.value);
    expect(total(samples, MACHINE_METRICS.failing, { machine_id: ids.hung })).toBe(1);
    expect(gauge(MACHINE_METRICS.failing, ids.inSync)).toEqual([0]);
    expect(gauge(MACHINE_METRICS.inMaintenance, ids.maintained)).toEqual([1]);
    expect(gauge(MACHINE_METRICS.inMaintenance, ids.hung)).toEqual([0]);
    expect(select(samples, MACHINE_METRICS.failing, { machine_id: ids.hung })[0]?.labels.group).toBe(groups.hung);
  });

  it('when a machine fails, then its failing series names the failed step and the failure type, and its healthy series stays 0', () => {
    const series = select(samples, MACHINE_METRICS.failing, { machine_id: ids.hung }).map(({ labels, value }) => ({ step: labels.failed_step, type: labels.failure_type, value }));
    expect(series).toEqual(expect.arrayContaining([{ step: 'probe', type: 'DeviceTimeoutError', value: 1 }]));
    expect(series.filter(({ value }) => value === 1)).toHaveLength(1);
    expect(series.filter(({ step }) => step === undefined).map(({ value }) => value)).toEqual([0]);
    expect(select(samples, MACHINE_METRICS.failing, { machine_id: ids.inSync }).map(({ labels }) => labels.failure_type)).toEqual([undefined]);
  });

  it('when telemetry reports a lamp error, then lamp hours and each component\'s state are gauges per machine', () => {
    const state = (component: string) => select(samples, DEVICE_METRICS.componentState, { machine_id: ids.inSync, component }).map((sample) => sample.value);
    expect(state('lamp')).toEqual([2]);
    expect(state('fan')).toEqual([0]);
    expect(select(samples, DEVICE_METRICS.lampHours, { machine_id: ids.inSync, lamp: '1' }).map((sample) => sample.value)).toEqual([1500]);
    expect(select(samples, DEVICE_METRICS.componentState, { machine_id: ids.hung })).toEqual([]);
  });

  it('when ticks fire, then their lateness is a histogram by group', () => {
    expect(total(samples, `${MACHINE_METRICS.tickLateness}_count`, { group: groups.inSync })).toBeGreaterThan(0);
    expect(select(samples, `${MACHINE_METRICS.tickLateness}_bucket`, { group: groups.inSync, le: '+Inf' })).toHaveLength(1);
  });

  it('when the alert rules read a worker series, then the worker serves it', () => {
    // The SDK adds this counter at the first long poll that comes back empty, about a minute in.
    const appearsLater = ['temporal_workflow_task_queue_poll_empty'];
    const served = new Set(samples.map((sample) => sample.name));
    const missing = workerMetricsUsedByRules(readAlertRules()).filter((name) => !served.has(name) && !appearsLater.includes(name));
    expect(missing).toEqual([]);
  });

  it('when a new worker takes a failing machine over, then it sets the failing gauge again at its first live tick', async () => {
    const before = select(samples, MACHINE_METRICS.failing, { machine_id: ids.hung }).find((sample) => sample.value === 1);
    expect(before?.value).toBe(1);
    // One runtime serves every worker of this process and keeps the old worker's value; make it
    // stale, so that only a set by the new worker can bring the 1 back. (A new process starts empty.)
    await worker.replaceWorker(() =>
      Runtime.instance().metricMeter.createGauge(MACHINE_METRICS.failing, 'int', undefined, MACHINE_METRIC_HELP.failing).set(0, before?.labels ?? {}),
    );
    expect(total(await scrape(worker.metricsUrl), MACHINE_METRICS.failing, { machine_id: ids.hung })).toBe(0);

    await waitFor(
      'the new worker to report the hung machine failing',
      async () => total(await scrape(worker.metricsUrl), MACHINE_METRICS.failing, { machine_id: ids.hung }) === 1,
      15_000,
    );
  });

  it('when a failing machine retires, then its failing series drops to 0 instead of alerting forever', async () => {
    await worker.client.workflow.getHandle(machineWorkflowId(ids.hung)).signal(retireSignal, operator);
    await waitFor(
      'the retired machine to stop counting as failing',
      async () => total(await scrape(worker.metricsUrl), MACHINE_METRICS.failing, { machine_id: ids.hung }) === 0,
      15_000,
    );
  });
});
