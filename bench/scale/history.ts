/**
 * History events per tick: how much each check writes to Temporal's persistence, the figure that
 * sizes a cluster. Taken from a sample of workflows described at the start and end of the
 * measured window; a workflow that continued as new in between is left out of the average.
 */
import type { Client } from '@temporalio/client';

export interface HistoryMark {
  workflowId: string;
  runId: string;
  historyLength: number;
}

export interface HistoryGrowth {
  /** Events added per workflow and tick, averaged over the sample. */
  eventsPerTick: number;
  /** The same, by event type, from the first workflow of the sample. */
  eventTypesPerTick: Record<string, number>;
  sampledWorkflows: number;
}

export async function markHistories(client: Client, workflowIds: string[]): Promise<HistoryMark[]> {
  const marks = await Promise.all(
    workflowIds.map(async (workflowId) => {
      const description = await client.workflow.getHandle(workflowId).describe();
      return { workflowId, runId: description.runId, historyLength: description.historyLength };
    }),
  );
  return marks;
}

export async function historyGrowth(client: Client, start: HistoryMark[], end: HistoryMark[], ticks: number): Promise<HistoryGrowth> {
  const pairs = start.flatMap((before) => {
    const after = end.find((mark) => mark.workflowId === before.workflowId && mark.runId === before.runId);
    return after ? [{ before, after }] : [];
  });
  const added = pairs.reduce((sum, { before, after }) => sum + after.historyLength - before.historyLength, 0);
  const first = pairs[0];
  return {
    eventsPerTick: pairs.length > 0 ? added / pairs.length / ticks : Number.NaN,
    eventTypesPerTick: first ? await eventTypesBetween(client, first.before, first.after, ticks) : {},
    sampledWorkflows: pairs.length,
  };
}

async function eventTypesBetween(client: Client, before: HistoryMark, after: HistoryMark, ticks: number): Promise<Record<string, number>> {
  const history = await client.workflow.getHandle(before.workflowId, before.runId).fetchHistory();
  const counts: Record<string, number> = {};
  for (const event of history.events ?? []) {
    const eventId = Number(event.eventId);
    if (eventId <= before.historyLength || eventId > after.historyLength) continue;
    const name = eventTypeName(event as Record<string, unknown>);
    counts[name] = (counts[name] ?? 0) + 1;
  }
  for (const name of Object.keys(counts)) counts[name] = (counts[name] as number) / ticks;
  return counts;
}

/** `timerStartedEventAttributes` -> `timerStarted`: each event carries exactly one attributes field. */
function eventTypeName(event: Record<string, unknown>): string {
  const key = Object.keys(event).find((name) => name.endsWith('EventAttributes') && event[name] != null);
  return key ? key.slice(0, -'EventAttributes'.length) : 'unknown';
}
