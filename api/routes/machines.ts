import { Router } from 'express';
import { z } from 'zod';
import type { AccessGuards } from '../auth';
import type { ApiContext } from '../context';
import { deliver, describeRunning, queryStatus, waitUntilApplied } from '../control';
import { ApiError } from '../errors';
import { OPERATIONS } from '../operations';
import { DEFAULT_PAGE_SIZE, listQuery, machinePath, mutationQuery, parseInput } from '../schemas';
import { temporalFailureKind } from '../temporal-calls';
import { listMachinePage, summaryOf } from '../visibility';

const noQuery = z.strictObject({});

export function machineRoutes(ctx: ApiContext, guards: AccessGuards): Router {
  const router = Router();

  router.get('/machines', guards.read, async (req, res) => {
    const { limit, cursor, ...filters } = parseInput(listQuery, req.query, 'query');
    res.json(await listMachinePage(ctx, filters, { pageSize: limit ?? DEFAULT_PAGE_SIZE, cursor }));
  });

  router.get('/machines/:id', guards.read, async (req, res) => {
    const { id } = parseInput(machinePath, req.params, 'path');
    parseInput(noQuery, req.query, 'query');
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

  for (const operation of OPERATIONS) {
    router[operation.method](`/machines/:id/${operation.action}`, guards.write, async (req, res) => {
      const { id } = parseInput(machinePath, req.params, 'path');
      const { wait } = parseInput(mutationQuery, req.query, 'query');
      const cmd = operation.toCommand(parseInput(operation.body, req.body ?? {}, 'body'));
      const delivery = await deliver(ctx, id, cmd);
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
