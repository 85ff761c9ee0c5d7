/**
 * The platform reference: the least a Temporal loop can do per machine and tick, a durable timer
 * to the machine's slot and one activity doing the same device I/O as ours (the product's own
 * probePower). No state, no messages, no search attributes. Whatever our workflow costs beyond
 * this is what the product adds to the platform.
 *
 * The local-activity variant is a tuning experiment: the probe runs inside the workflow task
 * that the timer wakes, instead of as a separate activity task with its own round trips.
 */
import { continueAsNew, proxyActivities, proxyLocalActivities, sleep, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../../activities';
import { DEVICE_CALL_ATTEMPTS, DEVICE_CALL_RETRY_INTERVAL_MS, deviceCallTimeoutMs, localProbeTimeoutMs } from '../../domain/deadline';
import { nextTickAt, tickOffsetMs, ticksInRun } from '../../domain/tick';
import type { MachineTarget } from '../../domain/types';

export interface MinimalLoopInput {
  target: MachineTarget;
  tickMs: number;
  /** Continue as new after this many ticks (a first run after 1 to this many), as ours does. */
  ticksPerRun: number;
  continued?: boolean;
}

/** The same timeouts and retry bounds as the machine workflow's regular and local probes. */
function probeOptions(target: MachineTarget) {
  return {
    startToCloseTimeout: deviceCallTimeoutMs(target.driver),
    retry: { maximumAttempts: DEVICE_CALL_ATTEMPTS, initialInterval: DEVICE_CALL_RETRY_INTERVAL_MS, backoffCoefficient: 1 },
  };
}

function localProbeOptions(target: MachineTarget) {
  return { startToCloseTimeout: localProbeTimeoutMs(target.driver), retry: { maximumAttempts: 1 } };
}

export async function minimalLoopWorkflow(input: MinimalLoopInput): Promise<void> {
  const { probePower } = proxyActivities<Activities>(probeOptions(input.target));
  await loop(input, probePower);
  await continueAsNew<typeof minimalLoopWorkflow>({ ...input, continued: true });
}

export async function minimalLocalLoopWorkflow(input: MinimalLoopInput): Promise<void> {
  const { probePower } = proxyLocalActivities<Activities>(localProbeOptions(input.target));
  await loop(input, probePower);
  await continueAsNew<typeof minimalLocalLoopWorkflow>({ ...input, continued: true });
}

async function loop(input: MinimalLoopInput, probe: (target: MachineTarget) => Promise<unknown>): Promise<void> {
  const offsetMs = tickOffsetMs(input.target.id, input.tickMs);
  const ticksThisRun = ticksInRun(input.target.id, input.ticksPerRun, !input.continued);
  for (let ticks = 0; ticks < ticksThisRun && !workflowInfo().continueAsNewSuggested; ticks++) {
    await sleep(Math.max(1, nextTickAt(Date.now(), input.tickMs, offsetMs) - Date.now()));
    try {
      await probe(input.target);
    } catch {
      // A failed check waits for the next tick, as ours does.
    }
  }
}
