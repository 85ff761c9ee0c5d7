/**
 * History events per tick: how much each check writes to Temporal's persistence, the figure that
 * sizes a cluster. Read from the histories of a sample of workflows: the events recorded inside
 * the measured window, divided by the ticks they cover (one fired timer per tick, in both loops).
 */
import type { Client } from '@temporalio/client';

export interface HistoryGrowth {
  /** Events per workflow and tick over the sample. */
  eventsPerTick: number;
  /** The same, by event type (`timerFired`, `activityTaskScheduled`, ...). */
  eventTypesPerTick: Record<string, number>;
  sampledWorkflows: number;
}

export interface HistoryEvent {
  eventTime?: { seconds?: unknown; nanos?: number | null } | null;
}

export async function historyGrowth(client: Client, workflowIds: string[], fromMs: number, untilMs: number): Promise<HistoryGrowth> {
  const counts: Record<string, number> = {};
  const histories = await Promise.all(workflowIds.map((workflowId) => client.workflow.getHandle(workflowId).fetchHistory()));
  for (const history of histories) {
    for (const event of history.events ?? []) {
      const atMs = eventTimeMs(event as HistoryEvent);
      if (atMs < fromMs || atMs >= untilMs) continue;
      const name = eventTypeName(event as Record<string, unknown>);
      counts[name] = (counts[name] ?? 0) + 1;
    }
  }
  const ticks = counts.timerFired ?? 0;
  const total = Object.values(counts).reduce((sum, count) => sum + count, 0);
  const perTick = Object.fromEntries(Object.entries(counts).map(([name, count]) => [name, round2(count / ticks)]));
  return { eventsPerTick: ticks > 0 ? total / ticks : Number.NaN, eventTypesPerTick: ticks > 0 ? perTick : {}, sampledWorkflows: histories.length };
}

export function eventTimeMs(event: HistoryEvent): number {
  return Number(event.eventTime?.seconds ?? 0) * 1000 + (event.eventTime?.nanos ?? 0) / 1e6;
}

/** `timerStartedEventAttributes` -> `timerStarted`: each event carries exactly one attributes field. */
export function eventTypeName(event: Record<string, unknown>): string {
  const key = Object.keys(event).find((name) => name.endsWith('EventAttributes') && event[name] != null);
  return key ? key.slice(0, -'EventAttributes'.length) : 'unknown';
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
