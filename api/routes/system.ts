import { Router } from 'express';
import { syncInventory } from '../../fleet/sync';
import type { AccessGuards } from '../auth';
import { configuredVenue, type ApiContext } from '../context';
import { DEFAULT_ACTOR, describeApi, health, sync } from '../operations';
import { openApiDocument } from '../openapi';
import type { HealthReport } from '../response-schemas';
import { withDeadline } from '../temporal-calls';
import { route } from './route';

const HEALTH_CHECK_MS = 2_000;
/** Starting, updating and retiring a few hundred workflows. */
const SYNC_MS = 60_000;
/**
 * A live worker re-polls at least once a minute (an idle long poll ends after 60 s), and the
 * server remembers a stopped worker's last poll: older than this means nobody is polling.
 */
export const POLLER_FRESH_MS = 75_000;

// temporal.api.enums.v1 values; @temporalio/proto is not a direct dependency.
const TASK_QUEUE_KIND_NORMAL = 1;
const TASK_QUEUE_TYPE_WORKFLOW = 1;

export function systemRoutes(ctx: ApiContext, guards: AccessGuards): Router {
  const router = Router();

  route(router, guards, health, async (_input, res) => {
    const temporalHealth = await withDeadline(ctx, () => ctx.client.workflowService.getSystemInfo({}), healthCheckMs(ctx)).then(
      () => 'ok' as const,
      () => 'unreachable' as const,
    );
    const worker = temporalHealth === 'ok' ? await workerHealth(ctx) : 'unknown';
    const report: HealthReport = { temporal: temporalHealth, worker, namespace: ctx.namespace, taskQueue: ctx.taskQueue };
    if (temporalHealth === 'ok' && worker === 'ok') {
      res.json(report);
      return;
    }
    const message = temporalHealth !== 'ok'
      ? 'Temporal is unreachable'
      : `no worker has polled task queue ${ctx.taskQueue} in the last ${POLLER_FRESH_MS / 1000} s`;
    res.status(503).json({ ...report, error: { code: 'unhealthy', message } });
  });

  route(router, guards, sync, async ({ body: { by } }, res) => {
    const venue = configuredVenue(ctx, 'sync');
    const report = await withDeadline(
      ctx,
      () => syncInventory(ctx.client, { taskQueue: ctx.taskQueue, machines: venue.machines, readiness: { spec: venue.readiness }, by: by ?? DEFAULT_ACTOR }),
      SYNC_MS,
    );
    ctx.log.info(`sync ${venue.file} by ${JSON.stringify(by ?? DEFAULT_ACTOR)}: ${report.started.length} started, ${report.updated.length} updated, ${report.retired.length} retired`);
    res.json(report);
  });

  route(router, guards, describeApi, (_input, res) => {
    res.json(openApiDocument);
  });
  return router;
}

/** Health checks answer quickly, so that probes with short timeouts get an answer. */
function healthCheckMs(ctx: ApiContext): number {
  return Math.min(HEALTH_CHECK_MS, ctx.temporalTimeoutMs);
}

async function workerHealth(ctx: ApiContext): Promise<HealthReport['worker']> {
  try {
    const { pollers } = await withDeadline(
      ctx,
      () =>
        ctx.client.workflowService.describeTaskQueue({
          namespace: ctx.namespace,
          taskQueue: { name: ctx.taskQueue, kind: TASK_QUEUE_KIND_NORMAL },
          taskQueueType: TASK_QUEUE_TYPE_WORKFLOW,
        }),
      healthCheckMs(ctx),
    );
    const freshSince = Date.now() - POLLER_FRESH_MS;
    const fresh = pollers.some((poller) => Number(poller.lastAccessTime?.seconds ?? 0) * 1000 >= freshSince);
    return fresh ? 'ok' : 'no-poller';
  } catch (err) {
    ctx.log.warn(`healthz: describing task queue ${ctx.taskQueue} failed: ${err instanceof Error ? err.message : String(err)}`);
    return 'unknown';
  }
}
