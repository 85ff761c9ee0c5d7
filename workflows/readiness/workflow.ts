/**
 * The venue's readiness reports: before each opening, every machine that must be on is checked and
 * corrected once more, then one report goes out of those still not ready; after each closing, the
 * same for what should be off. One run per report, so histories stay a few dozen events.
 */
import { allHandlersFinished, condition, continueAsNew, getExternalWorkflowHandle, log, proxyActivities, setHandler } from '@temporalio/workflow';
import type { ReadinessActivities } from '../../alerting/readiness-activities';
import { buildReport, needsAnotherCheck, nextReadinessEvent, reportNowEvent, worthChecking, type ReadinessEvent, type ReadinessReport } from '../../domain/readiness';
import { machineWorkflowId, reconcileNowSignal } from '../machine/contract';
import {
  readinessChangedSignal,
  readinessStatusQuery,
  REPORTS_KEPT,
  runReportNowSignal,
  stopReadinessSignal,
  type DeliveredReport,
  type Delivery,
  type ReadinessWorkflow,
  type ReadinessWorkflowInput,
  type ReportRequest,
} from './contract';

// Reading every machine's status is a query each, 32 at a time: seconds even for a large venue.
const { assessMachines } = proxyActivities<ReadinessActivities>({
  startToCloseTimeout: '2m',
  retry: { initialInterval: '5s', maximumAttempts: 3 },
});
// A report that cannot be delivered is kept (status, API, board) and the failure shows red in the Web UI.
const { deliverReport } = proxyActivities<ReadinessActivities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '5s', backoffCoefficient: 2, maximumAttempts: 5 },
});

/** The first check corrects; the second, for the machines it commanded, confirms. */
const CHECK_ROUNDS = 2;

/** With no opening in the next days (a closed season), look again once a day or when the configuration changes. */
const IDLE_RECHECK_MS = 86_400_000;

export async function readinessWorkflow(input: ReadinessWorkflowInput): Promise<void> {
  let { spec, configHash } = input;
  const state = input.state ?? { reported: {}, reports: [] };
  // Asked for while the last run was reporting: carried over, never lost at continue-as-new.
  const requests: ReportRequest[] = [...(state.requests ?? [])];
  let running: (ReadinessEvent & { trigger: string }) | undefined;
  let changed = false;
  let stopped = false;

  setHandler(readinessChangedSignal, (update) => {
    spec = update.spec;
    configHash = update.configHash;
    changed = true;
  });
  setHandler(runReportNowSignal, (request) => void requests.push(request));
  setHandler(stopReadinessSignal, () => void (stopped = true));
  setHandler(readinessStatusQuery, () => ({
    venue: spec.venue.name,
    openingHours: spec.schedule.name,
    next: nextReadinessEvent(spec, Date.now(), state.reported),
    ...(running && { running }),
    reports: state.reports,
  }));

  const report = async (event: ReadinessEvent, trigger: string): Promise<void> => {
    running = { ...event, trigger };
    try {
      const made: DeliveredReport = { ...(await checkMachines(event)), trigger };
      state.reports = [made, ...state.reports].slice(0, REPORTS_KEPT);
      made.delivery = await deliver(made);
    } finally {
      running = undefined;
    }
  };

  /**
   * Every machine the report is about is checked (and so corrected) once more, then read again, so
   * the report is never older than the check; those a check just commanded, or found warming, get
   * one more round to show they got there.
   */
  const checkMachines = async (event: ReadinessEvent): Promise<ReadinessReport> => {
    let machines = await assessMachines(event.referenceMs);
    const checks = { ids: machines.filter((machine) => worthChecking(event, machine)).map((machine) => machine.id), atMs: Date.now() };
    let ids = checks.ids;
    for (let round = 0; round < CHECK_ROUNDS && ids.length > 0 && !stopped; round++) {
      const actor = { by: `${event.kind} readiness`, reason: `checked before the ${event.kind} report` };
      // A machine retired since the listing is not a reason to stop the report.
      await Promise.allSettled(ids.map((id) => getExternalWorkflowHandle(machineWorkflowId(id)).signal(reconcileNowSignal, actor)));
      await condition(() => stopped, spec.recheckAfterMs);
      machines = await assessMachines(event.referenceMs);
      const checkedNow = new Set(ids);
      ids = machines.filter((machine) => checkedNow.has(machine.id) && needsAnotherCheck(machine)).map((machine) => machine.id);
    }
    return buildReport(event, spec.venue, machines, Date.now(), checks);
  };

  // One report a run: a report signals every machine it checks, so a run's history grows with the venue, not with time.
  for (;;) {
    const request = requests.shift();
    if (request) {
      await report(reportNowEvent(spec, request.kind, Date.now()), `asked by ${request.by}: ${request.reason}`);
      break;
    }
    if (stopped) break;
    const next = nextReadinessEvent(spec, Date.now(), state.reported);
    changed = false;
    const waitMs = next ? Math.max(0, next.dueMs - Date.now()) : IDLE_RECHECK_MS;
    if (waitMs > 0 && (await condition(() => changed || stopped || requests.length > 0, waitMs))) continue;
    if (!next) continue;
    await report(next, 'scheduled');
    state.reported[next.kind] = next.referenceMs;
    break;
  }

  await condition(allHandlersFinished);
  if (stopped) {
    log.info('readiness reports stopped: the venue file has no readiness section');
    return;
  }
  await continueAsNew<ReadinessWorkflow>({ spec, configHash, state: { ...state, requests } });
}

async function deliver(report: ReadinessReport): Promise<Delivery> {
  try {
    return await deliverReport(report);
  } catch (err) {
    return { delivered: false, atMs: Date.now(), detail: `not delivered: ${err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err)}` };
  }
}

