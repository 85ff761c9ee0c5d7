/**
 * The machine operations for a whole group or the whole venue. Members come from visibility
 * (running machine workflows of this task queue); each gets its own signal and requestId,
 * and the answer reports every machine's outcome.
 */
import { Router } from 'express';
import type { AccessGuards } from '../auth';
import { mapLimited, PARALLEL_CALLS } from '../../fleet/map-limited';
import type { ApiContext } from '../context';
import { deliver, waitUntilApplied, type Command, type Delivery } from '../control';
import { ApiError, toApiError } from '../errors';
import { GROUP_CHANGES, VENUE_CHANGES } from '../operations';
import type { MachineOutcome } from '../response-schemas';
import type { MachineFilters } from '../../fleet/machines';
import { machineSummaries } from '../visibility';
import { route } from './route';

export function bulkRoutes(ctx: ApiContext, guards: AccessGuards): Router {
  const router = Router();
  for (const operation of GROUP_CHANGES) {
    route(router, guards, operation, async ({ path: { group }, query: { wait }, body }, res) => {
      const cmd = operation.change.toCommand(body);
      const members = await membersOf(ctx, { group });
      if (members.length === 0) {
        throw new ApiError(404, 'group_not_found', `no running machine in group "${group}"; check the name, or run POST /sync`, 'group');
      }
      res.json({ group, results: await sendToAll(ctx, members, cmd, wait) });
    });
  }
  for (const operation of VENUE_CHANGES) {
    route(router, guards, operation, async ({ query: { wait }, body }, res) => {
      const cmd = operation.change.toCommand(body);
      const members = await membersOf(ctx, {});
      if (members.length === 0) throw new ApiError(404, 'no_machines', 'no running machine in this venue; run POST /sync');
      res.json({ results: await sendToAll(ctx, members, cmd, wait) });
    });
  }
  return router;
}

/**
 * A machine that continues as new while the listing pages through is missing from that listing
 * (its new run sorts before the pages already read, its old run is closed). Every machine does so
 * every 15-20 ticks, so a venue of thousands has a few doing it during any listing: the union of
 * two listings finds them, since no machine continues as new twice within seconds.
 */
async function membersOf(ctx: ApiContext, filters: MachineFilters): Promise<string[]> {
  const [first, second] = [await machineSummaries(ctx, filters), await machineSummaries(ctx, filters)];
  return [...new Set([...first, ...second].map((machine) => machine.id))].sort();
}

async function sendToAll(ctx: ApiContext, machines: string[], cmd: Command, waitMs: number | undefined): Promise<MachineOutcome[]> {
  const sent = await mapLimited(machines, PARALLEL_CALLS, async (machine): Promise<Delivery | MachineOutcome> => {
    try {
      return await deliver(ctx, machine, cmd);
    } catch (err) {
      // One machine retired or unreachable must not hide what happened to the others.
      const { code, message } = toApiError(err, ctx.log).toBody().error;
      return { machine, status: 'failed', error: { code, message } };
    }
  });
  const deliveries = sent.filter((entry): entry is Delivery => !('status' in entry));
  const applied = waitMs ? await waitUntilApplied(ctx, deliveries, waitMs) : new Map();
  return sent.map((entry) =>
    'status' in entry
      ? entry
      : { machine: entry.machine, requestId: entry.requestId, status: applied.has(entry.requestId) ? 'applied' : 'accepted' },
  );
}
