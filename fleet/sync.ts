import { createHash } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { MachineSpec } from '../domain/types';
import { mapLimited, PARALLEL_CALLS } from './map-limited';
import { machineWorkflowId, runningMachines, startMachine } from './machines';
import { configurationChangedSignal, retireSignal } from '../workflows/machine/contract';

export interface SyncOptions {
  taskQueue: string;
  machines: MachineSpec[];
  /** Passed to newly started workflows; tests use a small number to exercise continue-as-new. */
  ticksPerRun?: number;
  /** Who asked, for the audit trail of changed and retired machines. */
  by?: string;
}

export interface SyncReport {
  started: string[];
  updated: string[];
  unchanged: string[];
  retired: string[];
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
  for (const list of Object.values(report)) list.sort();
  return report;
}

/** Running machine workflows of the task queue, by machine id, with the config hash they run. */
async function configHashesOfRunning(client: Client, taskQueue: string): Promise<Map<string, string>> {
  const running = await runningMachines(client, taskQueue);
  return new Map(running.map(({ id, memo }) => [id, typeof memo?.configHash === 'string' ? memo.configHash : '']));
}

export function configHashOf(spec: MachineSpec): string {
  return createHash('sha256').update(canonicalJson(spec)).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
