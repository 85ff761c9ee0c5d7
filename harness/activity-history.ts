/**
 * Every activity of every workflow run on a task queue, read from Temporal's histories: when it
 * was scheduled, when its last attempt started, how it ended and with which failure type. This is
 * what an operator sees in the Web UI, so benchmarks judge failures by it. Local activities (the
 * probes) are the `core_local_activity` markers the SDK records: one per call, its failure included.
 */
import type { Client } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

export interface ActivityRecord {
  workflowId: string;
  runId: string;
  activityType: string;
  /** Ran inside a workflow task on the worker; recorded as a marker. */
  local: boolean;
  scheduledAt: number;
  /** Start of the LAST attempt of a full activity (the server records only that one); unknown for a local one. */
  lastAttemptStartedAt?: number;
  attempts?: number;
  closedAt?: number;
  outcome: 'completed' | 'failed' | 'timed-out' | 'canceled' | 'open';
  /** ApplicationFailure type (the error class name), or `ActivityTimeout` when Temporal timed it out. */
  failureType?: string;
  failureMessage?: string;
}

/** One workflow task as the server saw it: from WorkflowTaskStarted to its completion, failure or timeout. */
export interface WorkflowTaskRecord {
  workflowId: string;
  runId: string;
  startedAt: number;
  durationMs: number;
  outcome: 'completed' | 'failed' | 'timed-out';
}

export interface HistoryScan {
  activities: ActivityRecord[];
  workflowTasks: WorkflowTaskRecord[];
  /**
   * Events per run, the longest history being the one to watch against Temporal's limits, and
   * the timers it started (a machine's tick waits on one timer, so events / timers is events a tick).
   */
  historyLengths: { workflowId: string; runId: string; events: number; timers: number }[];
}

const PARALLEL_FETCHES = 8;

export async function scanActivityHistories(client: Client, taskQueue: string): Promise<HistoryScan> {
  const runs: { workflowId: string; runId: string }[] = [];
  for await (const info of client.workflow.list({ query: `TaskQueue = '${taskQueue}'` })) runs.push({ workflowId: info.workflowId, runId: info.runId });

  const scan: HistoryScan = { activities: [], workflowTasks: [], historyLengths: [] };
  let next = 0;
  const lane = async () => {
    while (next < runs.length) {
      const run = runs[next++]!;
      const history = await client.workflow.getHandle(run.workflowId, run.runId).fetchHistory();
      const events = history.events ?? [];
      const timers = events.filter((event) => event.timerStartedEventAttributes).length;
      scan.historyLengths.push({ ...run, events: events.length, timers });
      scan.activities.push(...activitiesOf(run.workflowId, run.runId, events), ...localActivitiesOf(run.workflowId, run.runId, events, client));
      scan.workflowTasks.push(...workflowTasksOf(run.workflowId, run.runId, events));
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL_FETCHES, runs.length) }, lane));
  return scan;
}

function activitiesOf(workflowId: string, runId: string, events: HistoryEvent[]): ActivityRecord[] {
  const byScheduledId = new Map<number, ActivityRecord>();
  for (const event of events) {
    const at = timeOf(event);
    const scheduled = event.activityTaskScheduledEventAttributes;
    if (scheduled) {
      byScheduledId.set(Number(event.eventId), {
        workflowId,
        runId,
        activityType: scheduled.activityType?.name ?? '',
        local: false,
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

function workflowTasksOf(workflowId: string, runId: string, events: HistoryEvent[]): WorkflowTaskRecord[] {
  const startedAt = new Map<number, number>();
  const tasks: WorkflowTaskRecord[] = [];
  for (const event of events) {
    if (event.workflowTaskStartedEventAttributes) {
      startedAt.set(Number(event.eventId), timeOf(event));
      continue;
    }
    const ended =
      (event.workflowTaskCompletedEventAttributes && { outcome: 'completed' as const, startedEventId: event.workflowTaskCompletedEventAttributes.startedEventId }) ||
      (event.workflowTaskFailedEventAttributes && { outcome: 'failed' as const, startedEventId: event.workflowTaskFailedEventAttributes.startedEventId }) ||
      (event.workflowTaskTimedOutEventAttributes && { outcome: 'timed-out' as const, startedEventId: event.workflowTaskTimedOutEventAttributes.startedEventId });
    const started = ended ? startedAt.get(Number(ended.startedEventId)) : undefined;
    if (ended && started !== undefined) tasks.push({ workflowId, runId, startedAt: started, durationMs: timeOf(event) - started, outcome: ended.outcome });
  }
  return tasks;
}

/** What sdk-core writes into the marker's `data` detail (JSON, snake_case). */
interface LocalActivityMarkerData {
  attempt?: number;
  activity_type?: string;
  complete_time?: ProtoTime | null;
  original_schedule_time?: ProtoTime | null;
}
interface ProtoTime {
  seconds?: number | string;
  nanos?: number;
}

const LOCAL_ACTIVITY_MARKER = 'core_local_activity';

function localActivitiesOf(workflowId: string, runId: string, events: HistoryEvent[], client: Client): ActivityRecord[] {
  const converter = client.options.loadedDataConverter.payloadConverter;
  const records: ActivityRecord[] = [];
  for (const event of events) {
    const marker = event.markerRecordedEventAttributes;
    if (marker?.markerName !== LOCAL_ACTIVITY_MARKER) continue;
    const [payload] = marker.details?.data?.payloads ?? [];
    const data: LocalActivityMarkerData = payload ? converter.fromPayload(payload) : {};
    const failure = marker.failure;
    const timedOut = failure?.timeoutFailureInfo ?? failure?.cause?.timeoutFailureInfo;
    records.push({
      workflowId,
      runId,
      activityType: data.activity_type ?? '',
      local: true,
      scheduledAt: protoTimeMs(data.original_schedule_time) ?? timeOf(event),
      attempts: data.attempt,
      closedAt: protoTimeMs(data.complete_time) ?? timeOf(event),
      outcome: !failure ? 'completed' : timedOut ? 'timed-out' : failure.canceledFailureInfo ? 'canceled' : 'failed',
      failureType: !failure ? undefined : timedOut ? 'ActivityTimeout' : (failure.applicationFailureInfo?.type ?? 'Failure'),
      failureMessage: failure?.message ?? undefined,
    });
  }
  return records;
}

function protoTimeMs(time: ProtoTime | null | undefined): number | undefined {
  if (!time) return undefined;
  return Number(time.seconds ?? 0) * 1000 + Math.floor((time.nanos ?? 0) / 1e6);
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
