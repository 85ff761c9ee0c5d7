import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deviceCallDeadlineMs } from '../../activities/drivers/specs';
import { scanActivityHistories, type ActivityRecord } from '../../harness/activity-history';
import type { WorkerProcess } from '../../harness/processes';
import type { BenchDevice } from '../../harness/venue-files';
import { parseDuration } from '../../domain/duration';
import { STICKY_QUEUE_TIMEOUT } from '../../worker/create-worker';
import { machineWorkflowId } from '../../fleet/machines';
import { syncInventory } from '../../fleet/sync';
import { waitFor } from '../support/wait-for';
import { temporalAddress, uniqueTaskQueue } from '../support/temporal';
import { printWorkerOutputOnFailure, slotsBetween, startResilienceRun, startWorker, statusesOf, stopResilienceRun, type TestVenue } from './support';

const TICK_MS = 2_000;
/** Long enough that the kill lands while this projector's check is on the wire. */
const SLOW_REPLY_MS = 400;
const devices: BenchDevice[] = [
  { id: 'crash-proj-1', kind: 'pjlink', initialPower: 'off', transitionMs: 300 },
  { id: 'crash-proj-2', kind: 'pjlink', initialPower: 'on', transitionMs: 300 },
  { id: 'crash-proj-slow', kind: 'pjlink', initialPower: 'on', transitionMs: 300, fault: { mode: 'slow', delayMs: SLOW_REPLY_MS } },
  { id: 'crash-player-1', kind: 'http', initialPower: 'off', transitionMs: 300 },
  { id: 'crash-player-2', kind: 'http', initialPower: 'on', transitionMs: 300 },
  { id: 'crash-amp-1', kind: 'tcp', initialPower: 'off', transitionMs: 0 },
  { id: 'crash-amp-2', kind: 'tcp', initialPower: 'on', transitionMs: 0 },
  { id: 'crash-pc-1', kind: 'wol', initialPower: 'off', transitionMs: 300 },
];
/** Switched off by hand while no worker runs: the restarted worker must decide to switch each on exactly once. */
const DRIFTED = ['crash-proj-2', 'crash-player-2', 'crash-amp-2', 'crash-pc-1'];
/**
 * What a kill costs beyond the time no worker runs: the server hands each workflow's next task to
 * the dead worker's sticky queue until it times out there (STICKY_QUEUE_TIMEOUT), then to the
 * shared queue; the machine is checked at its next slot after that. A workflow task the dead
 * worker had started (a probe on the wire) waits for that task's own timeout instead.
 */
const STICKY_HANDOVER_MS = parseDuration(STICKY_QUEUE_TIMEOUT);
/** Temporal's default workflow task timeout, which machine workflows keep. */
const WORKFLOW_TASK_TIMEOUT_MS = 10_000;
/** Timers, polling and a busy machine. */
const RECOVERY_SLACK_MS = 2_000;

let client: Client;
let venue: TestVenue;
let worker: WorkerProcess | undefined;
const taskQueue = uniqueTaskQueue('crash');

beforeAll(async () => {
  ({ client, venue, worker } = await startResilienceRun(devices, TICK_MS, taskQueue));
}, 240_000);

afterAll(() => stopResilienceRun({ client, venue, worker }));

/**
 * The first run of each running machine workflow's chain (continue-as-new keeps it, a fresh start
 * would not); throws for one that is not running.
 */
async function chainsOf(ids: string[]): Promise<Record<string, string>> {
  const chains: Record<string, string> = {};
  for (const id of ids) {
    const description = await client.workflow.getHandle(machineWorkflowId(id)).describe();
    if (description.status.name !== 'RUNNING') throw new Error(`${id} is ${description.status.name}`);
    chains[id] = description.raw.workflowExecutionInfo?.firstRunId ?? '';
  }
  return chains;
}

/** Attempts of every command (a full activity) in the machine's history, all runs. */
function commandAttemptsOf(activities: ActivityRecord[], machineId: string): number {
  return activities
    .filter((record) => record.workflowId === machineWorkflowId(machineId) && record.activityType === 'setPower')
    .reduce((sum, record) => sum + (record.attempts ?? 1), 0);
}

function commandsOf(id: string, fromMs = 0) {
  return venue.events.filter((event) => event.type === 'command' && event.device === id && event.at >= fromMs);
}

describe('the worker is killed with SIGKILL in the middle of a tick', () => {
  it('when it is started again, then every workflow continues, no machine misses more ticks than the downtime covers, and no command is sent twice within one decision', async () => {
    printWorkerOutputOnFailure(() => worker);
    await syncInventory(client, { taskQueue, machines: venue.specs });
    // And past its first telemetry read (a projector's, right after its first check), so the
    // connection the kill lands on below is a check's, not that read's.
    await waitFor(
      'every machine in sync, every projector past its first telemetry read',
      async () => [...(await statusesOf(client, venue.specs)).values()].every((status) => status.lastCheck?.outcome === 'in-sync' && (status.driver !== 'pjlink' || status.telemetry !== undefined)),
      90_000,
    );
    const before = await statusesOf(client, venue.specs);
    const chainsBefore = await chainsOf(venue.specs.map((spec) => spec.id));

    // Its greeting and its reply each take SLOW_REPLY_MS: a check stays on the wire long enough to be caught.
    const slowProjector = venue.device('crash-proj-slow');
    await waitFor('a check of the slow projector on the wire', () => slowProjector.openConnections > 0, 3 * TICK_MS);
    const inFlightAtKill = slowProjector.openConnections;
    const killedAt = Date.now();
    await worker!.kill();
    worker = undefined;
    for (const id of DRIFTED) venue.device(id).setPower('off');

    worker = await startWorker(venue, temporalAddress(), taskQueue);
    const readyAt = Date.now();
    await waitFor(
      'the drifted devices on again and three checks of every machine after the restart',
      async () => {
        const statuses = await statusesOf(client, venue.specs);
        const checkedAgain = [...statuses.values()].every((status) => (status.lastCheck?.atMs ?? 0) > readyAt + 2 * TICK_MS);
        return checkedAgain && DRIFTED.every((id) => venue.device(id).power === 'on') && statuses;
      },
      90_000,
    );
    const after = await statusesOf(client, venue.specs);
    const { activities, workflowTasks } = await scanActivityHistories(client, taskQueue);
    const heldByTheDeadWorker = new Set(
      workflowTasks.filter((task) => task.outcome === 'timed-out' && task.startedAt <= readyAt).map((task) => task.workflowId),
    );

    expect(inFlightAtKill, 'the slow projector had its check on the wire when the worker died').toBeGreaterThan(0);
    expect(await chainsOf(venue.specs.map((spec) => spec.id)), 'every workflow went on (continued as new at most)').toEqual(chainsBefore);
    // Checked again: the first connection each device saw once the new worker was ready.
    const checkedAgainAt = new Map(venue.specs.map((spec) => [spec.id, venue.events.find((event) => event.device === spec.id && event.type === 'connected' && event.at >= readyAt)?.at]));
    console.info(
      `kill -9: worker back ${readyAt - killedAt} ms after the kill; each machine checked again ${[...checkedAgainAt].map(([id, at]) => `${id} +${at === undefined ? '-' : at - readyAt}`).join(', ')} ms; ` +
        `workflow tasks the dead worker held: ${[...heldByTheDeadWorker].join(', ') || 'none'}`,
    );
    for (const spec of venue.specs) {
      const checkedAt = checkedAgainAt.get(spec.id);
      const handedOverBy = heldByTheDeadWorker.has(machineWorkflowId(spec.id))
        ? Math.max(readyAt, killedAt + WORKFLOW_TASK_TIMEOUT_MS)
        : readyAt + STICKY_HANDOVER_MS;
      const checkedBy = handedOverBy + TICK_MS + RECOVERY_SLACK_MS;
      expect(checkedAt, `${spec.id} checked again ${checkedAt === undefined ? 'never' : `${checkedAt - readyAt} ms`} after the worker was back`).toBeLessThanOrEqual(checkedBy);

      const missed = after.get(spec.id)!.missedTicks - before.get(spec.id)!.missedTicks;
      const coveredByDowntime = slotsBetween(spec.id, TICK_MS, killedAt, handedOverBy + deviceCallDeadlineMs(spec.driver) + RECOVERY_SLACK_MS);
      expect(missed, `${spec.id} missed ${missed} ticks; the downtime (${readyAt - killedAt} ms) covers ${coveredByDowntime}`).toBeLessThanOrEqual(
        coveredByDowntime,
      );

      // Decisions: one per drifted machine after the kill, none for the others.
      const decisionsAfterKill = after.get(spec.id)!.commandsSent - before.get(spec.id)!.commandsSent;
      expect(decisionsAfterKill, `${spec.id}: command decisions after the kill`).toBe(DRIFTED.includes(spec.id) ? 1 : 0);
      // Deliveries: a command reaches the device once per attempt, and a second attempt exists only
      // when the first failed or timed out (at-least-once); a device never sees more than history shows.
      const commands = commandsOf(spec.id);
      const attempts = commandAttemptsOf(activities, spec.id);
      expect(commands.length, `${spec.id}: device saw ${commands.map((event) => event.type === 'command' && event.command).join(', ')}; history has ${attempts} attempts`).toBeLessThanOrEqual(attempts);
      expect(commands.length, `${spec.id}: every decided command reached the device`).toBeGreaterThanOrEqual(after.get(spec.id)!.commandsSent);
    }
  }, 300_000);
});
