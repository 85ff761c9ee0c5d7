/**
 * The readiness workflow's activities: reading every machine's state through its own workflow's
 * queries, and delivering a report through Alertmanager as alerts that it groups into one
 * notification per report (the configuration this folder renders).
 */
import { ApplicationFailure, Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { ALERT_ANNOTATIONS, ALERT_LABELS, ALERT_NAMES, AlertPostError, postAlerts, type PostableAlert } from './contract';
import { isInEffect } from '../domain/desired-state';
import type { MachineReadinessInput, ReadinessReport } from '../domain/readiness';
import { mapLimited, PARALLEL_CALLS } from '../fleet/map-limited';
import { runningMachines } from '../fleet/machines';
import { MachineGroup, plannedPowerQuery, statusQuery, type MachineStatus, type PlannedPower } from '../workflows/machine/contract';
import type { Delivery } from '../workflows/readiness/contract';

export interface ReadinessActivityDeps {
  client: Client;
  taskQueue: string;
  /** Absent: reports are kept in the workflow (API, board) and go nowhere else. */
  alertmanagerUrl?: string;
}

/** A report's alerts stay visible in Alertmanager this long; its notification goes out once. */
const REPORT_ALERT_LIFETIME_MS = 3_600_000;
const POST_TIMEOUT_MS = 10_000;
const QUERY_TIMEOUT_MS = 10_000;

export function createReadinessActivities(deps: ReadinessActivityDeps) {
  return {
    /** Every running machine of the task queue, with what it should be at `referenceMs`. */
    async assessMachines(referenceMs: number): Promise<MachineReadinessInput[]> {
      const machines = await runningMachines(deps.client, deps.taskQueue);
      return mapLimited(machines, PARALLEL_CALLS, async ({ id, workflowId, searchAttributes }) => {
        const handle = deps.client.workflow.getHandle(workflowId);
        const call = { signal: Context.current().cancellationSignal, deadline: Date.now() + QUERY_TIMEOUT_MS };
        try {
          const [status, planned] = await deps.client.withAbortSignal(call.signal, () =>
            deps.client.withDeadline(call.deadline, () => Promise.all([handle.query(statusQuery), handle.query(plannedPowerQuery, referenceMs)])),
          );
          return readingOf(status, planned);
        } catch (err) {
          return { id, name: id, group: searchAttributes.get(MachineGroup) ?? 'unknown', unanswered: err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err) };
        }
      });
    },

    async deliverReport(report: ReadinessReport): Promise<Delivery> {
      if (!deps.alertmanagerUrl) return { delivered: false, atMs: Date.now(), detail: 'no Alertmanager configured (ALERTMANAGER_URL): kept in the status only' };
      const alerts = reportAlerts(report, Date.now());
      try {
        await postAlerts(deps.alertmanagerUrl, alerts, { timeoutMs: POST_TIMEOUT_MS, signal: Context.current().cancellationSignal });
      } catch (err) {
        if (err instanceof AlertPostError && err.refused) throw ApplicationFailure.nonRetryable(err.message, err.name);
        throw err;
      }
      return { delivered: true, atMs: Date.now(), detail: `${alerts.length} alerts posted to Alertmanager at ${new URL(deps.alertmanagerUrl).origin}` };
    },
  };
}

export type ReadinessActivities = ReturnType<typeof createReadinessActivities>;

function readingOf(status: MachineStatus, planned: PlannedPower): MachineReadinessInput {
  const now = Date.now();
  return {
    id: status.id,
    name: status.name,
    group: status.group,
    scheduledAtReference: planned.scheduled,
    desiredAtReference: planned.desired,
    desiredNow: status.desired,
    health: status.health,
    ...(status.dependencies?.blockedBy && { blockedBy: status.dependencies.blockedBy }),
    ...(status.dependencies?.waitingFor && { waitingFor: status.dependencies.waitingFor }),
    ...(status.observed && { observed: status.observed.power }),
    ...(status.lastCheck && { lastCheckAtMs: status.lastCheck.atMs, lastOutcome: status.lastCheck.outcome }),
    ...(status.lastCheck?.failure && { failure: status.lastCheck.failure }),
    ...(status.maintenance && isInEffect(status.maintenance, now) && { maintenance: status.maintenance }),
    ...(status.override && isInEffect(status.override, now) && { override: status.override }),
    driftedAspects: status.aspects
      .filter((aspect) => aspect.inWantedState === false && aspect.wanted !== undefined)
      .map((aspect) => ({ name: aspect.name, wanted: aspect.wanted!, ...(aspect.observed !== undefined && { observed: aspect.observed }) })),
  };
}

/** One alert for the report and one per machine not ready, all with the report's label: Alertmanager groups them by it (alerting/contract.ts). */
export function reportAlerts(report: ReadinessReport, nowMs: number): PostableAlert[] {
  const times = { startsAt: new Date(nowMs).toISOString(), endsAt: new Date(nowMs + REPORT_ALERT_LIFETIME_MS).toISOString() };
  const common = { [ALERT_LABELS.report]: `${report.kind} ${new Date(report.referenceMs).toISOString()}`, [ALERT_LABELS.venue]: report.venue };
  return [
    {
      labels: { ...common, [ALERT_LABELS.alertname]: ALERT_NAMES.readinessReport, [ALERT_LABELS.severity]: 'info' },
      // The notification's title adds the venue, and its body lists the machines from their own alerts.
      annotations: { [ALERT_ANNOTATIONS.summary]: report.summary, [ALERT_ANNOTATIONS.description]: descriptionOf(report) },
      ...times,
    },
    ...report.notReady.map((machine) => ({
      labels: {
        ...common,
        [ALERT_LABELS.alertname]: ALERT_NAMES.machineNotReady,
        [ALERT_LABELS.severity]: 'warning',
        [ALERT_LABELS.group]: machine.group,
        [ALERT_LABELS.machineId]: machine.id,
      },
      annotations: { [ALERT_ANNOTATIONS.summary]: `${machine.name} not ready: ${machine.reason}`, [ALERT_ANNOTATIONS.reason]: machine.reason },
      ...times,
    })),
  ];
}

function descriptionOf(report: ReadinessReport): string {
  const wanted = report.kind === 'doors-open' ? 'must be on at the opening' : 'should be off after the closing';
  return `${report.machines} machines ${wanted}; ${report.checksRequested} were checked and corrected once more before this report.`;
}
