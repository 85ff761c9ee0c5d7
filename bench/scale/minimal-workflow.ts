/**
 * The platform reference: the least a Temporal loop can do per machine and tick, a durable timer
 * to the machine's slot and one activity doing the same device I/O as ours (the product's own
 * probePower). No state, no messages, no search attributes. Whatever our workflow costs beyond
 * this is what the product adds to the platform.
 */
import { continueAsNew, proxyActivities, sleep, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../../activities';
import { deviceCallDeadlineMs } from '../../domain/deadline';
import { nextTickAt, tickOffsetMs } from '../../domain/tick';
import type { MachineTarget } from '../../domain/types';

export interface MinimalLoopInput {
  target: MachineTarget;
  tickMs: number;
  /** Continue as new after this many ticks, as ours does. */
  ticksPerRun: number;
}

/** The same margin and retry bound as the machine workflow. */
const ACTIVITY_TIMEOUT_MARGIN_MS = 2000;

export async function minimalLoopWorkflow(input: MinimalLoopInput): Promise<void> {
  const { probePower } = proxyActivities<Activities>({
    startToCloseTimeout: deviceCallDeadlineMs(input.target.driver) + ACTIVITY_TIMEOUT_MARGIN_MS,
    retry: { maximumAttempts: 2, initialInterval: '1s', backoffCoefficient: 1 },
  });
  const offsetMs = tickOffsetMs(input.target.id, input.tickMs);
  for (let ticks = 0; ticks < input.ticksPerRun && !workflowInfo().continueAsNewSuggested; ticks++) {
    await sleep(Math.max(1, nextTickAt(Date.now(), input.tickMs, offsetMs) - Date.now()));
    try {
      await probePower(input.target);
    } catch {
      // A failed check waits for the next tick, as ours does.
    }
  }
  await continueAsNew<typeof minimalLoopWorkflow>(input);
}
