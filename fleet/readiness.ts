/**
 * The venue's readiness workflow as a client sees it: started, updated or stopped by inventory
 * sync to match the venue file's `readiness:`, and read by the API.
 */
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { ReadinessSpec } from '../domain/readiness';
import {
  READINESS_WORKFLOW_TYPE,
  readinessChangedSignal,
  readinessMemoOf,
  readinessWorkflowId,
  stopReadinessSignal,
  type ReadinessWorkflow,
} from '../workflows/readiness/contract';
import { configHashOf } from './config-hash';

export const READINESS_SYNC_OUTCOMES = ['started', 'updated', 'unchanged', 'stopped', 'none'] as const;
export type ReadinessSyncOutcome = (typeof READINESS_SYNC_OUTCOMES)[number];

/** Makes the task queue's readiness workflow match `spec`: started, signalled with the new spec, or stopped when there is none. */
export async function syncReadiness(client: Client, taskQueue: string, spec: ReadinessSpec | undefined): Promise<ReadinessSyncOutcome> {
  const handle = client.workflow.getHandle<ReadinessWorkflow>(readinessWorkflowId(taskQueue));
  const runningHash = await handle.describe().then(
    (description) => (description.status.name === 'RUNNING' ? String(description.memo?.configHash ?? '') : undefined),
    (error: unknown) => {
      if (error instanceof WorkflowNotFoundError) return undefined;
      throw error;
    },
  );
  if (!spec) {
    if (runningHash === undefined) return 'none';
    await handle.signal(stopReadinessSignal);
    return 'stopped';
  }
  const configHash = configHashOf(spec);
  if (runningHash === configHash) return 'unchanged';
  if (runningHash !== undefined) {
    await handle.signal(readinessChangedSignal, { spec, configHash });
    return 'updated';
  }
  await client.workflow.start<ReadinessWorkflow>(READINESS_WORKFLOW_TYPE, {
    workflowId: readinessWorkflowId(taskQueue),
    taskQueue,
    args: [{ spec, configHash }],
    workflowIdConflictPolicy: 'USE_EXISTING',
    memo: readinessMemoOf(configHash),
    staticSummary: `Readiness reports of ${spec.venue.name} (opening hours: ${spec.schedule.name})`,
  });
  return 'started';
}
