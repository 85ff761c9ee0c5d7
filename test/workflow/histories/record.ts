/**
 * Records the histories that test/workflow/replay.test.ts replays, with the build checked out in
 * another worktree, so that each fixture is what that build really wrote:
 *
 *   git worktree add /tmp/old <commit> && ln -s "$PWD/node_modules" /tmp/old/node_modules
 *   npx tsx test/workflow/histories/record.ts /tmp/old <label>
 *
 * Two machines, on the old build's own worker, dev server and simulated projectors: one the schedule
 * wants on that is off (a command), then overridden off and cleared while pausing (interrupted
 * pauses), and one whose projector hangs (failed probes with retries). Each runs until it continues
 * as new; the first run of each is written as `<label>-<machine>.json` (Temporal CLI JSON) here.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { resolveTemporalCli } from '../../../devstack/temporal-cli';
import type { MachineSpec } from '../../../domain/types';
import { MACHINE_WORKFLOW_TYPE, type MachineStatus } from '../../../workflows/machine/contract';

async function main(): Promise<void> {
  const [root, label] = process.argv.slice(2);
  if (!root || !label) throw new Error('usage: record.ts <worktree of the old build> <label>');
  // The old build's own modules (test/support needs vitest, so the worker is made here).
  const from = (module: string) => path.resolve(root, module);
  const { startDevServer } = (await import(from('devstack/dev-server'))) as typeof import('../../../devstack/dev-server');
  const { startSimulator } = (await import(from('simulator'))) as typeof import('../../../simulator');
  const { createMachineWorker } = (await import(from('worker/create-worker'))) as typeof import('../../../worker/create-worker');
  const { createActivities } = (await import(from('activities'))) as typeof import('../../../activities');
  const { createSecretResolver } = (await import(from('config/secrets'))) as typeof import('../../../config/secrets');
  // The recorded builds predate fleet/machines.ts: inventory/sync held the id rule, workflows/machine.ts the memo.
  const { configHashOf, machineWorkflowId } = (await import(from('inventory/sync'))) as typeof import('../../../fleet/config-hash') &
    Pick<typeof import('../../../fleet/machines'), 'machineWorkflowId'>;
  const { memoOf } = (await import(from('workflows/machine'))) as typeof import('../../../workflows/machine/contract');
  const { machine, pjlinkDriver, FAST_TIMEOUTS } = (await import(from('test/support/specs'))) as typeof import('../../support/specs');

  const server = await startDevServer();
  const simulator = await startSimulator({
    devices: [
      { id: 'drifting', kind: 'pjlink', initialPower: 'off', warmupMs: 100, cooldownMs: 100 },
      { id: 'hung', kind: 'pjlink', fault: { mode: 'hang' } },
    ],
  });
  const taskQueue = `record-${label}`;
  const nativeConnection = await NativeConnection.connect({ address: server.address });
  const worker = await createMachineWorker({
    connection: nativeConnection,
    namespace: 'default',
    taskQueue,
    activities: createActivities({ secrets: createSecretResolver({ env: {} }) }),
  });
  const running = worker.run();
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection });
  const operator = { by: 'fixture', reason: 'recorded for the replay test' };
  const start = (spec: MachineSpec, ticksPerRun: number) => {
    const configHash = configHashOf(spec);
    return client.workflow.start(MACHINE_WORKFLOW_TYPE, {
      workflowId: machineWorkflowId(spec.id),
      taskQueue,
      args: [{ spec, configHash, ticksPerRun }],
      memo: memoOf(spec, configHash),
    });
  };
  const observed = async (handle: WorkflowHandle) => (await handle.query<MachineStatus>('status')).observed?.power;
  try {
    const drifting = await start(machine('drifting', pjlinkDriver(simulator.device('drifting').port), { tickMs: 2000 }), 4);
    const hungDriver = { ...pjlinkDriver(simulator.device('hung').port), timeouts: FAST_TIMEOUTS };
    const hung = await start(machine('hung', hungDriver, { tickMs: 2000 }), 3);
    const firstRuns = { drifting: (await drifting.describe()).runId, hung: (await hung.describe()).runId };

    await until('the drifting projector on', async () => (await observed(drifting)) === 'on');
    await sleep(300);
    await drifting.signal('setOverride', { ...operator, power: 'off' });
    await until('the drifting projector off', async () => (await observed(drifting)) === 'off');
    await sleep(300);
    await drifting.signal('clearOverride', operator);

    const cli = await resolveTemporalCli();
    for (const [id, runId] of Object.entries(firstRuns)) {
      const workflowId = machineWorkflowId(id);
      const handle = client.workflow.getHandle(workflowId, runId);
      await until(`${id} to continue as new`, async () => (await handle.describe()).status.name === 'CONTINUED_AS_NEW');
      const args = ['workflow', 'show', '--address', server.address, '--namespace', 'default', '--workflow-id', workflowId, '--run-id', runId, '--output', 'json'];
      writeFileSync(path.join(__dirname, `${label}-${id}.json`), execFileSync(cli, args));
      console.log(`recorded ${label}-${id}.json`);
    }
    await Promise.all([drifting, hung].map((handle) => handle.terminate('recorded')));
  } finally {
    worker.shutdown();
    await running;
    await nativeConnection.close();
    await connection.close();
    await simulator.stop();
    await server.stop();
  }
}

async function until(what: string, probe: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
