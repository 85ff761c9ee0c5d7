/**
 * Messages between machine workflows, counted in every run of every machine (runs continue as
 * new, so the current run alone would miss the opening): each `neighbourReported` signal a
 * workflow received (WorkflowExecutionSignaled) and each one it sent, a
 * SignalExternalWorkflowExecution command (its Initiated event), by phase of the benchmark.
 */
import type { Client } from '@temporalio/client';
import { mapLimited } from '../../fleet/map-limited';
import { machineWorkflowId, neighbourReportedSignal } from '../../workflows/machine/contract';
import { eventTimeMs, type HistoryEvent } from '../scale/history';

/** Histories read at once: enough to be quick, few enough not to tax the dev server. */
const PARALLEL_READS = 16;

export interface Phase {
  name: string;
  fromMs: number;
  untilMs: number;
}

export interface PhaseMessages {
  phase: string;
  signalsReceived: number;
  signalsSent: number;
  /** Signals received by the machines of each group, per machine. */
  receivedPerMachineByGroup: Record<string, number>;
}

export interface MessageCounts {
  /** Runs read: every machine's first run, and those that continued as new since. */
  runsRead: number;
  phases: PhaseMessages[];
}

interface SignalEvent extends HistoryEvent {
  workflowExecutionSignaledEventAttributes?: { signalName?: string | null } | null;
  signalExternalWorkflowExecutionInitiatedEventAttributes?: { signalName?: string | null } | null;
}

export async function countNeighbourMessages(client: Client, groupOf: Map<string, string>, phases: Phase[]): Promise<MessageCounts> {
  const runs: { workflowId: string; runId: string }[] = [];
  for await (const execution of client.workflow.list()) runs.push({ workflowId: execution.workflowId, runId: execution.runId });
  const workflowToMachine = new Map([...groupOf.keys()].map((id) => [machineWorkflowId(id), id]));
  const counts = phases.map((phase) => ({ phase, received: 0, sent: 0, receivedByGroup: new Map<string, number>() }));
  const name = neighbourReportedSignal.name;
  await mapLimited(runs, PARALLEL_READS, async ({ workflowId, runId }) => {
    const group = groupOf.get(workflowToMachine.get(workflowId) ?? '');
    const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
    for (const event of (history.events ?? []) as SignalEvent[]) {
      const received = event.workflowExecutionSignaledEventAttributes?.signalName === name;
      const sent = event.signalExternalWorkflowExecutionInitiatedEventAttributes?.signalName === name;
      if (!received && !sent) continue;
      const atMs = eventTimeMs(event);
      const count = counts.find(({ phase }) => atMs >= phase.fromMs && atMs < phase.untilMs);
      if (!count) continue;
      if (sent) count.sent++;
      if (received) {
        count.received++;
        if (group) count.receivedByGroup.set(group, (count.receivedByGroup.get(group) ?? 0) + 1);
      }
    }
  });
  const machinesInGroup = new Map<string, number>();
  for (const group of groupOf.values()) machinesInGroup.set(group, (machinesInGroup.get(group) ?? 0) + 1);
  return {
    runsRead: runs.length,
    phases: counts.map(({ phase, received, sent, receivedByGroup }) => ({
      phase: phase.name,
      signalsReceived: received,
      signalsSent: sent,
      receivedPerMachineByGroup: Object.fromEntries(
        [...machinesInGroup].map(([group, machines]) => [group, (receivedByGroup.get(group) ?? 0) / machines]),
      ),
    })),
  };
}
