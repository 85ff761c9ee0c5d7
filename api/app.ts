import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Client } from '@temporalio/client';
import express, { type Express, type RequestHandler } from 'express';
import type { VenueConfig } from '../config/load';
import { accessGuards, ApiConfigurationError } from './auth';
import { createMachineFeed } from './board/feed';
import { boardRoutes } from './board/routes';
import type { ApiContext } from './context';
import { ApiError, errorHandler, routeNotFound } from './errors';
import { createCursorCodec } from './cursor';
import { consoleLog, type ApiLog } from './log';
import { bulkRoutes } from './routes/bulk';
import { machineRoutes } from './routes/machines';
import { readinessRoutes } from './routes/readiness';
import { systemRoutes } from './routes/system';
import { DEFAULT_TEMPORAL_TIMEOUT_MS } from './temporal-calls';

export interface AppDeps {
  /** One client for the process; the caller connects it before and closes it after the app. */
  client: Client;
  namespace: string;
  taskQueue: string;
  /** What POST /sync applies; without it POST /sync answers 409. */
  venue?: VenueConfig;
  /** Bearer token for mutations (and reads unless openReads). */
  token?: string;
  openReads?: boolean;
  /** Allows running without a token: everything is open. Only for a demo on loopback. */
  localDemo?: boolean;
  /** e.g. http://127.0.0.1:8233, for links to each machine's workflow. */
  webUiBaseUrl?: string;
  /** Deadline of each call to Temporal; past it the API answers 503. */
  temporalTimeoutMs?: number;
  log?: ApiLog;
}

export interface ApiApp {
  app: Express;
  /** Port 0 picks a free one. */
  start(port?: number, host?: string): Promise<{ url: string; port: number }>;
  /** Ends waiting requests, stops listening and closes connections; idempotent. */
  stop(): Promise<void>;
}

export const BODY_LIMIT = '16kb';
/** How long stop() lets in-flight requests finish before it cuts their connections. */
const STOP_GRACE_MS = 3_000;
/** The alphabet of names, ids and enum values: a task queue named otherwise is taken for a configuration mistake. */
const PLAIN_NAME = /^[A-Za-z0-9._:/-]+$/;

/** Throws ApiConfigurationError without a token (unless localDemo) or with an unusable task queue name. */
export function createApp(deps: AppDeps): ApiApp {
  const log = deps.log ?? consoleLog;
  const guards = accessGuards(deps);
  if (!deps.token) log.warn('API_TOKEN is not set (local demo): anyone who can reach the API can change every machine');
  if (!PLAIN_NAME.test(deps.taskQueue)) {
    throw new ApiConfigurationError(`task queue name ${JSON.stringify(deps.taskQueue)}: use letters, digits, ".", "_", "-", ":" or "/"`);
  }
  const stopping = new AbortController();
  const ctx: ApiContext = {
    client: deps.client,
    temporalTimeoutMs: deps.temporalTimeoutMs ?? DEFAULT_TEMPORAL_TIMEOUT_MS,
    inFlight: new Set(),
    cursors: createCursorCodec(),
    namespace: deps.namespace,
    taskQueue: deps.taskQueue,
    venue: deps.venue,
    webUiBaseUrl: deps.webUiBaseUrl,
    log,
    stopping: stopping.signal,
  };

  const feed = createMachineFeed(ctx);
  const app = express();
  app.disable('x-powered-by');
  app.use(noSniffNoStore);
  app.use(requireJsonBody);
  app.use(express.json({ limit: BODY_LIMIT }));
  app.use(systemRoutes(ctx, guards));
  app.use(machineRoutes(ctx, guards));
  app.use(bulkRoutes(ctx, guards));
  app.use(readinessRoutes(ctx, guards));
  app.use(boardRoutes(ctx, guards, feed));
  app.use(routeNotFound);
  app.use(errorHandler(log));

  let server: Server | undefined;
  let stopped: Promise<void> | undefined;
  return {
    app,
    start(port = 0, host = '127.0.0.1') {
      if (server) return Promise.reject(new Error('the API is already started'));
      const listening = createServer(app);
      server = listening;
      return new Promise((resolve, reject) => {
        listening.once('error', reject);
        listening.listen(port, host, () => {
          listening.off('error', reject);
          const bound = (listening.address() as AddressInfo).port;
          feed.warm();
          resolve({ url: `http://${host.includes(':') ? `[${host}]` : host}:${bound}`, port: bound });
        });
      });
    },
    stop() {
      stopped ??= (async () => {
        stopping.abort();
        if (server?.listening) {
          const closed = new Promise<void>((resolve) => server?.close(() => resolve()));
          server.closeIdleConnections();
          const force = setTimeout(() => server?.closeAllConnections(), STOP_GRACE_MS);
          await closed;
          clearTimeout(force);
        }
        await Promise.allSettled([...ctx.inFlight]);
      })();
      return stopped;
    },
  };
}

const noSniffNoStore: RequestHandler = (_req, res, next) => {
  res.set({ 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-store' });
  next();
};

/**
 * express.json() silently skips other media types; say so instead of reporting missing fields.
 * An empty chunked body without a type (Node's http.request for a bare POST) is not a body.
 */
const requireJsonBody: RequestHandler = (req, _res, next) => {
  const typed = req.get('content-type') !== undefined;
  const sized = Number(req.get('content-length') ?? 0) > 0;
  if ((typed || sized) && req.is('application/json') === false) {
    next(new ApiError(415, 'unsupported_media_type', 'send the request body as application/json'));
    return;
  }
  next();
};
