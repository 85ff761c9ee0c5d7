/**
 * A large venue for the board's load benchmark: machine workflows started on a task queue that
 * no worker polls, with the memo and every search attribute set at start, so visibility lists
 * them exactly as it lists a running venue, without a single device or workflow task running.
 */
import type { Client } from '@temporalio/client';
import { mapLimited } from '../../fleet/map-limited';
import { startMachine } from '../../fleet/machines';
import { configHashOf } from '../../fleet/config-hash';
import { ControlMode, DesiredPower, MachineHealth, ObservedPower } from '../../workflows/machine/contract';
import { machine, pjlinkDriver } from '../support/specs';

export interface SeedOptions {
  taskQueue: string;
  count: number;
  /** Machines per group (zone). */
  groupSize?: number;
  /** Workflow starts in flight at once. */
  parallel?: number;
  /** Machine ids are this prefix and a number; workflow ids are global to the namespace. */
  idPrefix?: string;
}

/** Roughly what a large venue looks like mid-evening: mostly settled, a few in trouble or under operator control. */
function stateOf(index: number) {
  const desired = index % 3 === 0 ? 'off' : 'on';
  if (index % 97 === 0) return { desired, observed: 'unknown', health: 'failing', mode: 'schedule' };
  if (index % 89 === 0) return { desired: 'on', observed: 'on', health: 'ok', mode: 'override' };
  if (index % 83 === 0) return { desired, observed: 'off', health: 'ok', mode: 'maintenance' };
  return { desired, observed: index % 41 === 0 ? 'warming' : desired, health: 'ok', mode: 'schedule' };
}

/** Starts `count` machine workflows; returns their machine ids. */
export async function seedMachines(client: Client, options: SeedOptions): Promise<string[]> {
  const groupSize = options.groupSize ?? 100;
  const indexes = Array.from({ length: options.count }, (_, index) => index);
  return mapLimited(indexes, options.parallel ?? 64, async (index) => {
    const group = `zone-${String(Math.floor(index / groupSize) + 1).padStart(3, '0')}`;
    const id = `${options.idPrefix ?? 'm-'}${String(index + 1).padStart(5, '0')}`;
    const spec = machine(id, pjlinkDriver(4352), {
      name: `Projector ${index + 1}`,
      group,
      address: `10.${Math.floor(index / 250)}.${index % 250}.10`,
      tickMs: 60_000,
    });
    const state = stateOf(index);
    await startMachine(client, {
      taskQueue: options.taskQueue,
      spec,
      configHash: configHashOf(spec),
      listedAs: [
        { key: DesiredPower, value: state.desired },
        { key: ObservedPower, value: state.observed },
        { key: MachineHealth, value: state.health },
        { key: ControlMode, value: state.mode },
      ],
    });
    return id;
  });
}
