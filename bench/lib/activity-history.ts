/**
 * Every activity of every workflow run on a task queue, read from Temporal's histories: when it
 * was scheduled, when its last attempt started, how it ended and with which failure type. This is
 * what an operator sees in the Web UI, so benchmarks judge failures by it.
 */
import type { Client } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

export interface ActivityRecord {
  workflowId: string;
  runId: string;
  activityType: string;
  /** The first argument, e.g. the machine target. */
  input: unknown;
  scheduledAt: number;
  /** Start of the LAST attempt: the server records only that one. */
  lastAttemptStartedAt?: number;
  attempts?: number;
  closedAt?: number;
  outcome: 'completed' | 'failed' | 'timed-out' | 'canceled' | 'open';
  /** ApplicationFailure type (the error class name), or `ActivityTimeout` when Temporal timed it out. */
  failureType?: string;
  failureMessage?: string;
}

export interface HistoryScan {
  activities: ActivityRecord[];
  /** Events per run, the longest history being the one to watch against Temporal's limits. */
  historyLengths: { workflowId: string; runId: string; events: number }[];
}

const PARALLEL_FETCHES = 8;

export async function scanActivityHistories(client: Client, taskQueue: string): Promise<HistoryScan> {
  const runs: { workflowId: string; runId: string }[] = [];
  for await (const info of client.workflow.list({ query: `TaskQueue = '${taskQueue}'` })) runs.push({ workflowId: info.workflowId, runId: info.runId });

  const scan: HistoryScan = { activities: [], historyLengths: [] };
  let next = 0;
  const lane = async () => {
    while (next < runs.length) {
      const run = runs[next++]!;
      const history = await client.workflow.getHandle(run.workflowId, run.runId).fetchHistory();
      const events = history.events ?? [];
      scan.historyLengths.push({ ...run, events: events.length });
      scan.activities.push(...activitiesOf(run.workflowId, run.runId, events, client));
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL_FETCHES, runs.length) }, lane));
  return scan;
}

function activitiesOf(workflowId: string, runId: string, events: HistoryEvent[], client: Client): ActivityRecord[] {
  const byScheduledId = new Map<number, ActivityRecord>();
  const converter = client.options.loadedDataConverter.payloadConverter;
  for (const event of events) {
    const at = timeOf(event);
    const scheduled = event.activityTaskScheduledEventAttributes;
    if (scheduled) {
      const [firstInput] = scheduled.input?.payloads ?? [];
      byScheduledId.set(Number(event.eventId), {
        workflowId,
        runId,
        activityType: scheduled.activityType?.name ?? '',
        input: firstInput ? converter.fromPayload(firstInput) : undefined,
        scheduledAt: at,
        outcome: 'open',
      });
      continue;
    }
    const started = event.activityTaskStartedEventAttributes;
    if (started) {
      const record = byScheduledId.get(Number(started.scheduledEventId));
      if (record) Object.assign(record, { lastAttemptStartedAt: at, attempts: started.attempt ?? undefined });
      continue;
    }
    const closed = closingOf(event);
    if (!closed) continue;
    const record = byScheduledId.get(closed.scheduledEventId);
    if (record) Object.assign(record, { closedAt: at, outcome: closed.outcome, failureType: closed.failureType, failureMessage: closed.failureMessage });
  }
  return [...byScheduledId.values()];
}

interface Closing {
  scheduledEventId: number;
  outcome: ActivityRecord['outcome'];
  failureType?: string;
  failureMessage?: string;
}

function closingOf(event: HistoryEvent): Closing | undefined {
  if (event.activityTaskCompletedEventAttributes) {
    return { scheduledEventId: Number(event.activityTaskCompletedEventAttributes.scheduledEventId), outcome: 'completed' };
  }
  const failed = event.activityTaskFailedEventAttributes;
  if (failed) {
    return {
      scheduledEventId: Number(failed.scheduledEventId),
      outcome: 'failed',
      failureType: failed.failure?.applicationFailureInfo?.type ?? 'Failure',
      failureMessage: failed.failure?.message ?? undefined,
    };
  }
  const timedOut = event.activityTaskTimedOutEventAttributes;
  if (timedOut) {
    return {
      scheduledEventId: Number(timedOut.scheduledEventId),
      outcome: 'timed-out',
      failureType: 'ActivityTimeout',
      failureMessage: timedOut.failure?.message ?? undefined,
    };
  }
  const canceled = event.activityTaskCanceledEventAttributes;
  if (canceled) return { scheduledEventId: Number(canceled.scheduledEventId), outcome: 'canceled' };
  return undefined;
}

function timeOf(event: HistoryEvent): number {
  return Number(event.eventTime?.seconds ?? 0) * 1000 + Math.floor((event.eventTime?.nanos ?? 0) / 1e6);
}
