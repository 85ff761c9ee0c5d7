import { Router } from 'express';
import type { AccessGuards } from '../auth';
import type { ApiContext } from '../context';
import { deliver, describeRunning, queryStatus, waitUntilApplied } from '../control';
import { ApiError } from '../errors';
import { getMachine, listMachines, MACHINE_CHANGES } from '../operations';
import { DEFAULT_PAGE_SIZE } from '../schemas';
import { temporalFailureKind } from '../temporal-calls';
import { listMachinePage, summaryOf } from '../visibility';
import { route } from './route';

export function machineRoutes(ctx: ApiContext, guards: AccessGuards): Router {
  const router = Router();

  route(router, guards, listMachines, async ({ query: { limit, cursor, ...filters } }, res) => {
    res.json(await listMachinePage(ctx, filters, { pageSize: limit ?? DEFAULT_PAGE_SIZE, cursor }));
  });

  route(router, guards, getMachine, async ({ path: { id } }, res) => {
    const description = await describeRunning(ctx, id);
    const webUiUrl = webUiUrlOf(ctx, description.workflowId);
    let status;
    try {
      status = await queryStatus(ctx, id);
    } catch (err) {
      if (temporalFailureKind(err) !== 'no-answer') throw err;
      throw new ApiError(
        503,
        'worker_unavailable',
        `no worker answered the status query of ${id}; is a worker polling task queue ${ctx.taskQueue}? Visibility's last record is in "machine"`,
        undefined,
        { machine: { ...summaryOf({ id, workflowId: description.workflowId, searchAttributes: description.typedSearchAttributes, memo: description.memo }), webUiUrl } },
      );
    }
    res.json({ ...status, workflowId: description.workflowId, webUiUrl });
  });

  for (const operation of MACHINE_CHANGES) {
    route(router, guards, operation, async ({ path: { id }, query: { wait }, body }, res) => {
      const delivery = await deliver(ctx, id, operation.change.toCommand(body, ctx.venue));
      const applied = wait ? (await waitUntilApplied(ctx, [delivery], wait)).get(delivery.requestId) : undefined;
      if (applied) {
        res.status(200).json({ requestId: delivery.requestId, status: 'applied', machine: applied });
      } else {
        res.status(202).json({ requestId: delivery.requestId, machine: id, workflowId: delivery.workflowId, status: 'accepted' });
      }
    });
  }
  return router;
}

/** Undefined when no Web UI base URL is configured. */
function webUiUrlOf(ctx: ApiContext, workflowId: string): string | undefined {
  if (!ctx.webUiBaseUrl) return undefined;
  const base = ctx.webUiBaseUrl.replace(/\/+$/, '');
  return `${base}/namespaces/${encodeURIComponent(ctx.namespace)}/workflows/${encodeURIComponent(workflowId)}`;
}
