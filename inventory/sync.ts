import { createHash } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { MachineSpec } from '../domain/types';
import { mapLimited, PARALLEL_CALLS } from '../lib/map-limited';
import { configurationChangedSignal, machineWorkflow, memoOf, retireSignal } from '../workflows/machine';
import { MachineGroup, MachineId } from '../workflows/search-attributes';

export const WORKFLOW_ID_PREFIX = 'machine-';

export function machineWorkflowId(machineId: string): string {
  return WORKFLOW_ID_PREFIX + machineId;
}

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
 * signals the changed ones and retires the removed ones. Idempotent: starting uses
 * USE_EXISTING, so a stale visibility listing can never create a second workflow for a machine.
 */
export async function syncInventory(client: Client, options: SyncOptions): Promise<SyncReport> {
  const running = await runningMachines(client, options.taskQueue);
  const report: SyncReport = { started: [], updated: [], unchanged: [], retired: [] };
  const by = options.by ?? 'inventory sync';

  await mapLimited(options.machines, PARALLEL_CALLS, async (spec) => {
    const configHash = configHashOf(spec);
    const workflowId = machineWorkflowId(spec.id);
    const runningHash = running.get(spec.id);
    if (runningHash === undefined) {
      await client.workflow.start(machineWorkflow, {
        workflowId,
        taskQueue: options.taskQueue,
        args: [{ spec, configHash, ticksPerRun: options.ticksPerRun }],
        workflowIdConflictPolicy: 'USE_EXISTING',
        memo: memoOf(spec, configHash),
        typedSearchAttributes: [
          { key: MachineId, value: spec.id },
          { key: MachineGroup, value: spec.group },
        ],
        staticSummary: `${spec.name} (${spec.driver.type} at ${spec.address})`,
      });
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
async function runningMachines(client: Client, taskQueue: string): Promise<Map<string, string>> {
  const running = new Map<string, string>();
  const query = `WorkflowType = 'machineWorkflow' AND ExecutionStatus = 'Running' AND TaskQueue = '${taskQueue}'`;
  for await (const info of client.workflow.list({ query })) {
    if (!info.workflowId.startsWith(WORKFLOW_ID_PREFIX)) continue;
    const hash = info.memo?.configHash;
    running.set(info.workflowId.slice(WORKFLOW_ID_PREFIX.length), typeof hash === 'string' ? hash : '');
  }
  return running;
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
