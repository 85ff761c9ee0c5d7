import type { Client } from '@temporalio/client';
import type { ReadinessSpec } from '../domain/readiness';
import type { MachineSpec } from '../domain/types';
import { configHashOf } from './config-hash';
import { mapLimited, PARALLEL_CALLS } from './map-limited';
import { machineWorkflowId, runningMachines, startMachine } from './machines';
import { syncReadiness, type ReadinessSyncOutcome } from './readiness';
import { configurationChangedSignal, retireSignal } from '../workflows/machine/contract';

export interface SyncOptions {
  taskQueue: string;
  machines: MachineSpec[];
  /** Passed to newly started workflows; tests use a small number to exercise continue-as-new. */
  ticksPerRun?: number;
  /** Who asked, for the audit trail of changed and retired machines. */
  by?: string;
  /**
   * The venue's readiness reports, when the caller syncs a whole venue file (`spec` absent when
   * the file has no `readiness:`); absent, the readiness workflow is left alone (benchmarks, tests of machines).
   */
  readiness?: { spec?: ReadinessSpec };
}

export interface SyncReport {
  started: string[];
  updated: string[];
  unchanged: string[];
  retired: string[];
  /** What became of the readiness workflow; absent when the sync left it alone. */
  readiness?: ReadinessSyncOutcome;
}

/**
 * Makes the running machine workflows match the configuration: starts the missing ones,
 * signals the changed ones and retires the removed ones. Idempotent: starting a machine that
 * runs already (a stale listing) answers the running workflow.
 */
export async function syncInventory(client: Client, options: SyncOptions): Promise<SyncReport> {
  const running = await configHashesOfRunning(client, options.taskQueue);
  const report: SyncReport = { started: [], updated: [], unchanged: [], retired: [] };
  const by = options.by ?? 'inventory sync';

  await mapLimited(options.machines, PARALLEL_CALLS, async (spec) => {
    const configHash = configHashOf(spec);
    const workflowId = machineWorkflowId(spec.id);
    const runningHash = running.get(spec.id);
    if (runningHash === undefined) {
      await startMachine(client, { taskQueue: options.taskQueue, spec, configHash, ticksPerRun: options.ticksPerRun });
      report.started.push(spec.id);
    } else if (runningHash !== configHash) {
      await client.workflow.getHandle(workflowId).signal(configurationChangedSignal, { spec, configHash });
      report.updated.push(spec.id);
    } else {
      report.unchanged.push(spec.id);
    }
  });

  const configured = new Set(options.machines.map((spec) => spec.id));
  const removed = [...running.keys()].filter((id) => !configured.has(id));
  await mapLimited(removed, PARALLEL_CALLS, async (id) => {
    await client.workflow.getHandle(machineWorkflowId(id)).signal(retireSignal, { by, reason: 'removed from the venue configuration' });
    report.retired.push(id);
  });
  for (const list of [report.started, report.updated, report.unchanged, report.retired]) list.sort();
  if (options.readiness) report.readiness = await syncReadiness(client, options.taskQueue, options.readiness.spec);
  return report;
}

/** Running machine workflows of the task queue, by machine id, with the config hash they run. */
async function configHashesOfRunning(client: Client, taskQueue: string): Promise<Map<string, string>> {
  const running = await runningMachines(client, taskQueue);
  return new Map(running.map(({ id, memo }) => [id, typeof memo?.configHash === 'string' ? memo.configHash : '']));
}
