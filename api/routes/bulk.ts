/**
 * The machine changes for a whole group or the whole venue. Members come from the venue
 * configuration the API was started with, not from a visibility listing (which misses a machine
 * while it continues as new). Each gets its own signal and requestId, addressed by workflow id
 * alone so it reaches whichever run is current, and the answer reports every machine's outcome.
 */
import { Router } from 'express';
import type { AccessGuards } from '../auth';
import { mapLimited, PARALLEL_CALLS } from '../../fleet/map-limited';
import { configuredVenue, type ApiContext } from '../context';
import { deliver, waitUntilApplied, type Command, type Delivery } from '../control';
import { ApiError, toApiError } from '../errors';
import { GROUP_CHANGES, VENUE_CHANGES } from '../operations';
import type { MachineOutcome } from '../response-schemas';
import { route } from './route';

export function bulkRoutes(ctx: ApiContext, guards: AccessGuards): Router {
  const router = Router();
  for (const operation of GROUP_CHANGES) {
    route(router, guards, operation, async ({ path: { group }, query: { wait }, body }, res) => {
      const cmd = operation.change.toCommand(body, ctx.venue);
      const venue = configuredVenue(ctx, 'know the machines of a group');
      const members = venue.machines.filter((spec) => spec.group === group).map((spec) => spec.id);
      if (members.length === 0) {
        throw new ApiError(404, 'group_not_found', `no group "${group}" in the venue configuration ${venue.file}`, 'group');
      }
      res.json({ group, results: await sendToAll(ctx, members, cmd, wait) });
    });
  }
  for (const operation of VENUE_CHANGES) {
    route(router, guards, operation, async ({ query: { wait }, body }, res) => {
      const cmd = operation.change.toCommand(body, ctx.venue);
      const venue = configuredVenue(ctx, 'know the machines of the venue');
      res.json({ results: await sendToAll(ctx, venue.machines.map((spec) => spec.id), cmd, wait) });
    });
  }
  return router;
}

/** Answers in id order, whatever order the configuration lists the machines in. */
async function sendToAll(ctx: ApiContext, machines: string[], cmd: Command, waitMs: number | undefined): Promise<MachineOutcome[]> {
  const sent = await mapLimited([...machines].sort(), PARALLEL_CALLS, async (machine): Promise<Delivery | MachineOutcome> => {
    try {
      return await deliver(ctx, machine, cmd);
    } catch (err) {
      // One machine retired, never synced or unreachable must not hide what happened to the others.
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
