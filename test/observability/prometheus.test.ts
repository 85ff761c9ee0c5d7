import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { machineWorkflowId } from '../../fleet/machines';
import { startSimulator, type Simulator } from '../../simulator';
import { startMaintenanceSignal } from '../../workflows/machine/contract';
import { machine, pjlinkDriver } from '../support/specs';
import { waitFor } from '../support/wait-for';
import { startMetricsWorker, type MetricsWorker } from './metrics-worker';
import { startPrometheus, type PrometheusServer } from './prometheus-server';
import { writeFastPrometheusConfig } from './rules-files';

interface PrometheusAlert {
  labels: Record<string, string>;
  state: 'pending' | 'firing';
}

const run = randomUUID().slice(0, 8);
const hungId = `hung-${run}`;
const healthyId = `healthy-${run}`;

let simulator: Simulator;
let worker: MetricsWorker;
let prometheus: PrometheusServer;
let workDir: string;

beforeAll(async () => {
  simulator = await startSimulator({
    devices: [
      { id: hungId, kind: 'pjlink', fault: { mode: 'hang' } },
      { id: healthyId, kind: 'pjlink', initialPower: 'on' },
    ],
  });
  worker = await startMetricsWorker();
  workDir = await mkdtemp(path.join(tmpdir(), 'showctl-prometheus-'));
  const configFile = await writeFastPrometheusConfig({ dir: workDir, target: worker.metricsAddress, ruleFor: '2s', intervalSeconds: 1 });
  prometheus = await startPrometheus({ configFile, storageDir: path.join(workDir, 'data') });

  const timeouts = { connectMs: 250, responseMs: 250 };
  for (const id of [hungId, healthyId]) {
    const driver = { ...pjlinkDriver(simulator.device(id).port), timeouts };
    await worker.startMachine(machine(id, driver, { group: 'prometheus-test', tickMs: 1000, failingAfter: 2 }));
  }
});

afterAll(async () => {
  await prometheus?.stop();
  await worker?.stop();
  await simulator?.stop();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

async function machineFailingAlerts(): Promise<PrometheusAlert[]> {
  const response = await fetch(`${prometheus.url}/api/v1/alerts`);
  const body = (await response.json()) as { data: { alerts: PrometheusAlert[] } };
  return body.data.alerts.filter((alert) => alert.labels.alertname === 'MachineFailing');
}

async function query(promql: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
  const response = await fetch(`${prometheus.url}/api/v1/query?query=${encodeURIComponent(promql)}`);
  return ((await response.json()) as { data: { result: { metric: Record<string, string>; value: [number, string] }[] } }).data.result;
}

describe('a real Prometheus scraping a real worker with the production rules', () => {
  it('when a machine hangs, then its MachineFailing alert fires and a healthy machine raises none', async () => {
    const alert = await waitFor(
      `MachineFailing to fire for ${hungId}`,
      async () => (await machineFailingAlerts()).find((candidate) => candidate.labels.machine_id === hungId && candidate.state === 'firing'),
      60_000,
    );
    expect(alert.labels).toMatchObject({ group: 'prometheus-test', severity: 'warning' });

    // Not vacuous: Prometheus has the healthy machine's series, and it says "not failing".
    const healthy = await query(`showctl_machine_failing{machine_id="${healthyId}"}`);
    expect(healthy.map((sample) => sample.value[1])).toEqual(['0']);
    expect((await machineFailingAlerts()).filter((candidate) => candidate.labels.machine_id === healthyId)).toEqual([]);
  });

  it('when the hung machine goes into maintenance, then its alert stops', async () => {
    await worker.client.workflow.getHandle(machineWorkflowId(hungId)).signal(startMaintenanceSignal, { by: 'prometheus test', reason: 'muting' });
    await waitFor(
      `MachineFailing for ${hungId} to be muted`,
      async () => (await machineFailingAlerts()).every((candidate) => candidate.labels.machine_id !== hungId),
      30_000,
    );
    // Its healthy series is 0, the one naming its failure still 1: maintenance keeps the last verdict.
    const stillFailing = await query(`max by (machine_id) (showctl_machine_failing{machine_id="${hungId}"})`);
    expect(stillFailing.map((sample) => sample.value[1])).toEqual(['1']);
  });
});
