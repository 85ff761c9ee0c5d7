/** The machine's loop: tick on its slots until the run is long enough to continue as new, or the machine is retired. */
import { allHandlersFinished, condition, continueAsNew, log, patched, workflowInfo } from '@temporalio/workflow';
import { waitEndsAt } from '../../domain/dependencies';
import type { MachineSpec } from '../../domain/types';
import { nextTickAt, quarterSpreadTicksInRun, skippedSlots, tickOffsetMs, ticksInRun } from '../../domain/tick';
import { DEFAULT_TICKS_PER_RUN, type MachineRetired, type MachineWorkflow, type MachineWorkflowInput } from './contract';
import { setMessageHandlers, type MachineRun } from './handlers';
import { InterruptiblePause } from './interruptible-pause';
import { HealthGauges, recordMissedTicks, recordTickLateness } from './machine-metrics';
import { initialState, type MachineState } from './machine-state';
import { replyToNeighbours } from './neighbours';
import { healthOf } from './status';
import { reconcile } from './tick';

const EVEN_RUN_SPREAD = 'even-run-spread';
/**
 * Runs recorded before aspects and telemetry replay without them. Asked once, in the run's first
 * workflow task, never after a device call: asked where a tick first needed it (after the probe's
 * local activity), the marker made some replays after a worker restart fail as nondeterministic
 * (TMPRL1100, "patch marker encountered ... but there is no corresponding change command").
 */
const ASPECTS_AND_TELEMETRY = 'aspects-and-telemetry';

export async function machineWorkflow(input: MachineWorkflowInput): Promise<MachineRetired> {
  const run: MachineRun = { spec: input.spec, configHash: input.configHash, state: input.state ?? initialState(input.spec.dependencies !== undefined), nextTickMs: Date.now() };
  const { state } = run;
  const ticksPerRun = input.ticksPerRun ?? DEFAULT_TICKS_PER_RUN;

  const pause = new InterruptiblePause();
  // A run continued as new from a failing one starts from the failing series that one set.
  const healthGauges = new HealthGauges({ group: run.spec.group, failure: healthOf(state, run.spec) === 'failing' ? state.lastFailure : undefined });
  setMessageHandlers(run, pause, healthGauges);

  // Runs recorded before the even spread keep the length they were recorded with.
  const ticksThisRun = patched(EVEN_RUN_SPREAD)
    ? ticksInRun(run.spec.id, ticksPerRun, input.state === undefined)
    : quarterSpreadTicksInRun(run.spec.id, ticksPerRun);
  const features = { aspectsAndTelemetry: patched(ASPECTS_AND_TELEMETRY) };
  let ticks = 0;
  /** Returns when the run should end; a message cuts its pause short by cancelling the scope it runs in. */
  const tickUntilRunEnds = async (): Promise<MachineRetired | 'continue-as-new'> => {
    for (;; ticks++) {
      if (run.retirement) return run.retirement;
      if (ticks >= ticksThisRun || workflowInfo().continueAsNewSuggested) return 'continue-as-new';
      await replyToNeighbours(run.spec, state);
      if (!state.reconcileRequested) {
        run.nextTickMs = nextTickAt(Date.now(), run.spec.tickMs, tickOffsetMs(run.spec.id, run.spec.tickMs));
        const { nextTickMs } = run;
        if (state.accountedSlotMs !== undefined) {
          // Slots skipped because a check overran its tick or the worker was down.
          const missed = skippedSlots(state.accountedSlotMs, nextTickMs, run.spec.tickMs);
          state.accountedSlotMs = Math.max(state.accountedSlotMs, nextTickMs - run.spec.tickMs);
          state.missedTicks += missed;
          if (missed > 0) recordMissedTicks(run.spec, missed);
        }
        const wakeMs = Math.min(nextTickMs, ...upcomingExpiries(state), ...dependencyWakes(run.spec, state));
        await pause.sleep(Math.max(1, wakeMs - Date.now()));
        if (run.retirement) return run.retirement;
        if (wakeMs === nextTickMs) {
          state.accountedSlotMs = nextTickMs;
          recordTickLateness(run.spec, Date.now() - nextTickMs);
        }
      }
      state.reconcileRequested = false;
      await reconcile(run.spec, state, healthGauges, features);
    }
  };

  const ended = await pause.runInterruptibly(tickUntilRunEnds);
  await condition(allHandlersFinished);
  const { spec, configHash } = run;
  if (ended === 'continue-as-new') return continueAsNew<MachineWorkflow>({ spec, configHash, state, ticksPerRun });
  healthGauges.clear(spec);
  log.info('machine retired', { ...ended });
  return ended;
}

/**
 * A recheck after a power command (due even when already past) and the end of a wait for
 * neighbours (once: a wait that has timed out and fails is checked again at ticks).
 */
function dependencyWakes(spec: MachineSpec, state: MachineState): number[] {
  const waitEnd = waitEndsAt(spec.dependencies, state.waiting);
  return [state.recheckAtMs, waitEnd !== undefined && waitEnd > Date.now() ? waitEnd : undefined].filter((atMs): atMs is number => atMs !== undefined);
}

function upcomingExpiries(state: MachineState): number[] {
  const now = Date.now();
  return [state.override?.untilMs, state.maintenance?.untilMs].filter(
    (untilMs): untilMs is number => untilMs !== undefined && untilMs > now,
  );
}
