/**
 * A PDU that dies with eleven machines on it, through a real worker and a real Prometheus with the
 * production rules: the PDU alone fires MachineFailing, the machines it feeds are blocked (their
 * MachineBlocked goes to nobody), and when its mains return they come back on in dependency order.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MachineSpec } from '../../domain/types';
import { startSimulator, type Simulator } from '../../simulator';
import { dependencies, lineDriver, machine, pduDriver } from '../support/specs';
import { waitFor } from '../support/wait-for';
import { startMetricsWorker, type MetricsWorker } from './metrics-worker';
import { startPrometheus, type PrometheusServer } from './prometheus-server';
import { writeFastPrometheusConfig } from './rules-files';

const run = randomUUID().slice(0, 8);
const pduId = `pdu-${run}`;
const mixerId = `mixer-${run}`;
const ampIds = Array.from({ length: 10 }, (_, index) => `amp-${index + 1}-${run}`);
const fedIds = [mixerId, ...ampIds];
const COMMUNITY_SECRET = 'BLOCKED_PDU_COMMUNITY';

let simulator: Simulator;
let worker: MetricsWorker;
let prometheus: PrometheusServer;
let workDir: string;

beforeAll(async () => {
  simulator = await startSimulator({
    devices: [
      { id: pduId, kind: 'pdu', community: 'blocked-test-community', outletCount: 12, outlets: Object.fromEntries(fedIds.map((id, index) => [String(index + 1), id])) },
      // Off when their mains return, so the controller has to switch them on again, in order.
      ...fedIds.map((id) => ({ id, kind: 'tcp' as const, initialPower: 'off' as const })),
    ],
  });
  worker = await startMetricsWorker({ [COMMUNITY_SECRET]: 'blocked-test-community' });
  workDir = await mkdtemp(path.join(tmpdir(), 'showctl-blocked-'));
  const configFile = await writeFastPrometheusConfig({ dir: workDir, target: worker.metricsAddress, ruleFor: '2s', intervalSeconds: 1 });
  prometheus = await startPrometheus({ configFile, storageDir: path.join(workDir, 'data') });

  const pduPort = simulator.device(pduId).port;
  const fed = (id: string, outlet: number, needs: string[], neededBy: string[]): MachineSpec =>
    machine(id, lineDriver(simulator.device(id).port), {
      group: 'blocked-test',
      dependencies: dependencies(needs, neededBy),
      poweredBy: { pdu: pduId, outlet, driver: pduDriver(pduPort, COMMUNITY_SECRET, outlet) },
    });
  const specs = [
    machine(pduId, pduDriver(pduPort, COMMUNITY_SECRET), { group: 'blocked-test', probeOnly: true, dependencies: dependencies([], fedIds) }),
    fed(mixerId, 1, [pduId], ampIds),
    ...ampIds.map((id, index) => fed(id, index + 2, [mixerId, pduId].sort(), [])),
  ];
  for (const spec of specs) await worker.startMachine(spec);
}, 120_000);

afterAll(async () => {
  await prometheus?.stop();
  await worker?.stop();
  await simulator?.stop();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

interface PrometheusAlert {
  labels: Record<string, string>;
  state: 'pending' | 'firing';
}

async function firing(alertname: string): Promise<string[]> {
  const response = await fetch(`${prometheus.url}/api/v1/alerts`);
  const { data } = (await response.json()) as { data: { alerts: PrometheusAlert[] } };
  return data.alerts.filter((alert) => alert.labels.alertname === alertname && alert.state === 'firing').map((alert) => alert.labels.machine_id ?? '').sort();
}

/** Every machine that fired `alertname` at any evaluation of the last `window`, from Prometheus's own ALERTS series. */
async function everFiring(alertname: string, window: string): Promise<string[]> {
  const promql = `max by (machine_id) (max_over_time(ALERTS{alertname="${alertname}", alertstate="firing"}[${window}]))`;
  const response = await fetch(`${prometheus.url}/api/v1/query?query=${encodeURIComponent(promql)}`);
  const { data } = (await response.json()) as { data: { result: { metric: Record<string, string> }[] } };
  return data.result.map((sample) => sample.metric.machine_id ?? '').sort();
}

function switchedOn(id: string): number[] {
  return simulator.device(id).commands.filter((entry) => entry.command === 'POWER ON').map((entry) => entry.at);
}

describe('a failing PDU, against a real worker and a real Prometheus with the production rules', () => {
  it('when the PDU loses its mains, then only the PDU alerts, its eleven machines are blocked by it, and when it returns they come back on in order', async () => {
    await waitFor('every fed device on', () => fedIds.every((id) => simulator.device(id).power === 'on'), 60_000);
    const failedAt = Date.now();
    simulator.device(pduId).setPower('off');

    await waitFor('MachineFailing for the PDU', async () => (await firing('MachineFailing')).includes(pduId), 60_000);
    await waitFor('MachineBlocked for every fed machine', async () => {
      const blocked = await firing('MachineBlocked');
      return fedIds.every((id) => blocked.includes(id));
    }, 60_000);
    for (const id of fedIds) {
      const status = await worker.status(id);
      expect({ id, health: status.health, blockedBy: status.dependencies?.blockedBy }).toEqual({ id, health: 'blocked', blockedBy: [pduId] });
    }
    // Not vacuous: the fed machines' checks fail (their devices have no mains), yet none of them alerted.
    expect((await worker.status(ampIds[0]!)).consecutiveFailures).toBeGreaterThan(0);
    expect(await everFiring('MachineFailing', `${Math.ceil((Date.now() - failedAt) / 1000) + 5}s`)).toEqual([pduId]);

    const restoredAt = Date.now();
    simulator.device(pduId).setPower('on');
    await waitFor('every fed device on again', () => fedIds.every((id) => (switchedOn(id).at(-1) ?? 0) > restoredAt), 60_000);
    const mixerOnAgain = switchedOn(mixerId).at(-1)!;
    for (const id of ampIds) expect(switchedOn(id).at(-1)!, `${id} after its mixer`).toBeGreaterThan(mixerOnAgain);
    await waitFor('every machine healthy again', async () => (await Promise.all([pduId, ...fedIds].map((id) => worker.status(id)))).every((status) => status.health === 'ok'), 30_000);
    await waitFor('MachineBlocked resolved', async () => (await firing('MachineBlocked')).length === 0, 30_000);
  });
});
