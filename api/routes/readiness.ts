import { WorkflowNotFoundError } from '@temporalio/client';
import { Router } from 'express';
import { readinessStatusQuery, readinessWorkflowId, runReportNowSignal } from '../../workflows/readiness/contract';
import type { AccessGuards } from '../auth';
import type { ApiContext } from '../context';
import { ApiError } from '../errors';
import { DEFAULT_ACTOR, getReadiness, runReadinessReport } from '../operations';
import { withDeadline } from '../temporal-calls';
import { route } from './route';

const NO_READINESS_MESSAGE = 'no readiness reports: the venue file has no `readiness:` section, or POST /sync has not run since it got one';

export function readinessRoutes(ctx: ApiContext, guards: AccessGuards): Router {
  const router = Router();
  const handle = () => ctx.client.workflow.getHandle(readinessWorkflowId(ctx.taskQueue));
  const notFound = (err: unknown): never => {
    if (err instanceof WorkflowNotFoundError) throw new ApiError(404, 'readiness_not_found', NO_READINESS_MESSAGE);
    throw err;
  };

  route(router, guards, getReadiness, async (_input, res) => {
    res.json(await withDeadline(ctx, () => handle().query(readinessStatusQuery)).catch(notFound));
  });

  route(router, guards, runReadinessReport, async ({ path: { kind }, body }, res) => {
    const request = { kind, by: body.by ?? DEFAULT_ACTOR, reason: body.reason ?? 'asked through the API' };
    await withDeadline(ctx, () => handle().signal(runReportNowSignal, request)).catch(notFound);
    ctx.log.info(`${kind} report requested by ${JSON.stringify(request.by)} (${JSON.stringify(request.reason)})`);
    res.status(202).json({ workflowId: readinessWorkflowId(ctx.taskQueue), kind, status: 'accepted' });
  });
  return router;
}
