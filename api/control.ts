/**
 * Sending an operator's change to a machine workflow as a signal, and (when asked) waiting
 * until the workflow has recorded it. Signals are durable: the server keeps them while no
 * worker runs, and the workflow applies them in order when one comes back.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { WorkflowNotFoundError, type WorkflowExecutionDescription } from '@temporalio/client';
import type { SignalDefinition } from '@temporalio/common';
import { machineWorkflowId } from '../fleet/machines';
import { statusQuery, type Actor, type MachineStatus } from '../workflows/machine/contract';
import type { ApiContext } from './context';
import { mapLimited, PARALLEL_CALLS } from '../fleet/map-limited';
import { ApiError } from './errors';
import { withDeadline } from './temporal-calls';

/** A signal and its payload, less the requestId, which each delivery gets fresh. */
export interface Command<T extends Actor = Actor> {
  signal: SignalDefinition<[T]>;
  payload: Omit<T, 'requestId'>;
  /** For the log: "override on", "maintenance", ... */
  label: string;
}

export function command<T extends Actor>(signal: SignalDefinition<[T]>, payload: Omit<T, 'requestId'>, label: string): Command<T> {
  return { signal, payload, label };
}

export interface Delivery {
  machine: string;
  workflowId: string;
  requestId: string;
}

/** Long enough for a busy worker to answer, short enough to poll again within a wait. */
const STATUS_QUERY_MS = 3_000;
const APPLIED_POLL_MS = 200;

/** Throws ApiError 404 for an unknown machine and 409 for one whose workflow has ended. */
export async function deliver<T extends Actor>(ctx: ApiContext, machine: string, cmd: Command<T>): Promise<Delivery> {
  const workflowId = machineWorkflowId(machine);
  const requestId = randomUUID();
  try {
    await withDeadline(ctx, () => ctx.client.workflow.getHandle(workflowId).signal(cmd.signal, { ...cmd.payload, requestId } as T));
  } catch (err) {
    // Signalling a closed workflow and an unknown one fail alike; describe tells them apart.
    if (err instanceof WorkflowNotFoundError) await describeRunning(ctx, machine);
    throw err;
  }
  // Quoted: who and why are caller text and must not forge log lines.
  ctx.log.info(`${cmd.label} ${machine} by ${JSON.stringify(cmd.payload.by)} (${JSON.stringify(cmd.payload.reason)}) request ${requestId}`);
  return { machine, workflowId, requestId };
}

/** The machine's workflow description; ApiError 404 when there never was one, 409 when it is not running. */
export async function describeRunning(ctx: ApiContext, machine: string): Promise<WorkflowExecutionDescription> {
  let description: WorkflowExecutionDescription;
  try {
    description = await withDeadline(ctx, () => ctx.client.workflow.getHandle(machineWorkflowId(machine)).describe());
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) {
      throw new ApiError(404, 'machine_not_found', `no machine "${machine}": it is not in the venue configuration, or POST /sync has not run`, 'id');
    }
    throw err;
  }
  if (description.status.name !== 'RUNNING') {
    throw new ApiError(409, 'machine_not_running', `machine ${machine} is not running (status ${description.status.name}); run POST /sync`, 'id');
  }
  return description;
}

/** Throws whatever the query throws: the caller decides whether a silent worker is an error. */
export function queryStatus(ctx: ApiContext, machine: string, timeoutMs = STATUS_QUERY_MS): Promise<MachineStatus> {
  return withDeadline(ctx, () => ctx.client.workflow.getHandle(machineWorkflowId(machine)).query(statusQuery), timeoutMs);
}

/**
 * Polls the status queries until each machine's audit trail shows its request, for at most
 * `waitMs` in all. Returns the statuses of those applied in time, by requestId; the others
 * are still accepted and will be applied once a worker runs, which is not an error.
 */
export async function waitUntilApplied(ctx: ApiContext, deliveries: Delivery[], waitMs: number): Promise<Map<string, MachineStatus>> {
  const deadline = Date.now() + waitMs;
  const applied = new Map<string, MachineStatus>();
  let pending = deliveries;
  while (pending.length > 0 && !ctx.stopping.aborted && Date.now() < deadline) {
    await mapLimited(pending, PARALLEL_CALLS, async (delivery) => {
      const remainingMs = deadline - Date.now();
      if (remainingMs <= 0) return;
      try {
        const status = await queryStatus(ctx, delivery.machine, Math.min(remainingMs, STATUS_QUERY_MS));
        if (status.audit.some((entry) => entry.requestId === delivery.requestId)) applied.set(delivery.requestId, status);
      } catch {
        // No worker answered, or Temporal is briefly away: the signal is stored either way, keep waiting.
      }
    });
    pending = pending.filter((delivery) => !applied.has(delivery.requestId));
    const pauseMs = Math.min(APPLIED_POLL_MS, deadline - Date.now());
    if (pending.length > 0 && pauseMs > 0) await sleep(pauseMs, undefined, { signal: ctx.stopping }).catch(() => undefined);
  }
  return applied;
}
