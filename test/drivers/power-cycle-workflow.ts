/**
 * The powerCycleOutlet activity called the way a workflow calls it: one attempt, its timeout from
 * powerCycleTimeoutMs. Bundled by test/drivers/power-cycle-activity.test.ts only.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../../activities';
import type { PduOutletSpec } from '../../activities/drivers/pdu/spec';
import { powerCycleTimeoutMs } from '../../domain/deadline';
import type { MachineTarget } from '../../domain/types';

export async function powerCycleOnce(target: MachineTarget & { driver: PduOutletSpec }, offMs: number): Promise<{ detail: string }> {
  const { powerCycleOutlet } = proxyActivities<Activities>({
    startToCloseTimeout: powerCycleTimeoutMs(target.driver, offMs),
    retry: { maximumAttempts: 1 },
  });
  return powerCycleOutlet(target, offMs);
}

/** A driver that is not a PDU outlet, passed as the workflow finds it in a machine's spec. */
export async function powerCycleAnyDriver(target: MachineTarget, offMs: number): Promise<{ detail: string }> {
  const { powerCycleOutlet } = proxyActivities<Activities>({ startToCloseTimeout: '10s', retry: { maximumAttempts: 1 } });
  return powerCycleOutlet(target, offMs);
}
