/**
 * Child process entry: the floor without durability. Each machine's check runs on its slot from
 * a plain setTimeout, through the same driver call as the probePower activity (same deadlines,
 * same socket handling), with nothing recorded anywhere. Reads `{ tickMs, targets }` from the
 * JSON file named by PLAIN_LOOP_MACHINES; stops on SIGTERM once the calls in flight settle.
 */
import { readFileSync } from 'node:fs';
import { driverFor } from '../../activities/drivers';
import { deviceCallDeadlineMs } from '../../activities/drivers/specs';
import { createSecretResolver } from '../../config/secrets';
import { nextTickAt, tickOffsetMs } from '../../domain/tick';
import type { MachineTarget } from '../../domain/types';

export interface PlainLoopMachines {
  tickMs: number;
  targets: MachineTarget[];
}

/** The activity's start-to-close margin over the driver's deadline, as in the workflows. */
const CALL_TIMEOUT_MARGIN_MS = 2000;

function main(): void {
  const file = process.env.PLAIN_LOOP_MACHINES;
  if (!file) throw new Error('PLAIN_LOOP_MACHINES must name the machines file');
  const { tickMs, targets } = JSON.parse(readFileSync(file, 'utf8')) as PlainLoopMachines;
  const secrets = createSecretResolver({});
  const timers = new Set<NodeJS.Timeout>();
  const inFlight = new Set<Promise<unknown>>();
  let stopping = false;

  const check = async (target: MachineTarget): Promise<void> => {
    const signal = AbortSignal.timeout(deviceCallDeadlineMs(target.driver) + CALL_TIMEOUT_MARGIN_MS);
    try {
      await driverFor(target).probe({ target, signal, secrets });
    } catch {
      // A failed check waits for the next tick, as in the workflows.
    }
  };
  const schedule = (target: MachineTarget): void => {
    if (stopping) return;
    const offsetMs = tickOffsetMs(target.id, tickMs);
    const timer = setTimeout(() => {
      timers.delete(timer);
      const call = check(target);
      inFlight.add(call);
      void call.finally(() => {
        inFlight.delete(call);
        schedule(target);
      });
    }, nextTickAt(Date.now(), tickMs, offsetMs) - Date.now());
    timers.add(timer);
  };

  for (const target of targets) schedule(target);
  process.once('SIGTERM', () => {
    stopping = true;
    for (const timer of timers) clearTimeout(timer);
    void Promise.allSettled([...inFlight]).then(() => process.exit(0));
  });
  console.log(`plain loop running ${targets.length} machines`);
}

main();
