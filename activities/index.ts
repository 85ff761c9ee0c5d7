import { Context } from '@temporalio/activity';
import type { MachineTarget, Power } from '../domain/types';
import { driverFor } from './drivers';
import type { PowerReading, SecretResolver } from './drivers/types';

export interface ActivityDeps {
  /** Resolves credentials on the worker, so they never enter workflow history. */
  secrets: SecretResolver;
}

/**
 * Device activities. Each call runs the driver under its own deadlines and the activity's
 * cancellation signal, which the worker aborts when Temporal gives up on the attempt.
 */
export function createActivities(deps: ActivityDeps) {
  const callFor = (target: MachineTarget) => ({
    target,
    signal: Context.current().cancellationSignal,
    secrets: deps.secrets,
  });
  return {
    async probePower(target: MachineTarget): Promise<PowerReading> {
      return driverFor(target).probe(callFor(target));
    },
    async setPower(target: MachineTarget, power: Power): Promise<{ detail: string }> {
      return driverFor(target).setPower(callFor(target), power);
    },
  };
}

export type Activities = ReturnType<typeof createActivities>;
