/**
 * The status board (README, "Status board"): the page at `/`, its files under `/board/`, and its live
 * event stream. They are the board's own interface, not JSON API operations, so the OpenAPI
 * document leaves them out (test/api/openapi.test.ts names them).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Router, type Response } from 'express';
import type { AccessGuards } from '../auth';
import type { ApiContext } from '../context';
import { ApiError } from '../errors';
import type { MachineFeed } from './feed';

/** The page and its files sit beside this module, in the sources and in a build's dist/ alike. */
const BOARD_DIR = __dirname;
const PAGE = 'index.html';
/** Only these are served: the folder also holds the server's own modules. */
const ASSETS = new Set(['board.css', 'ui-main.js', 'ui-stream.js', 'ui-board.js', 'ui-render.js', 'ui-details.js', 'ui-actions.js', 'ui-auth.js', 'ui-format.js']);

/**
 * The page runs only its own files and talks only to this API, so text from the API (machine
 * names come from a configuration file) can never run as script, even if escaping failed.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export function boardRoutes(ctx: ApiContext, guards: AccessGuards, feed: MachineFeed): Router {
  const missing = !existsSync(path.join(BOARD_DIR, PAGE));
  if (missing) ctx.log.warn(`status board: ${path.join(BOARD_DIR, PAGE)} is missing; GET / will answer 503`);
  const router = Router();

  router.get('/', async (_req, res) => {
    if (missing) {
      throw new ApiError(503, 'board_unavailable', `the status board's files are missing from ${BOARD_DIR}; a build must copy api/board/*.html, *.css and *.js there`);
    }
    await sendBoardFile(res, PAGE);
  });

  router.get('/board/events', guards.read, (req, res) => feed.subscribe(req, res));

  router.get('/board/:asset', async (req, res, next) => {
    const asset = req.params.asset;
    if (!ASSETS.has(asset)) {
      next();
      return;
    }
    await sendBoardFile(res, asset);
  });
  return router;
}

function sendBoardFile(res: Response, name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    // Revalidated on every load (ETag), so a new version of the board is never stale in a phone's cache.
    res.set({ 'Content-Security-Policy': CONTENT_SECURITY_POLICY, 'Cache-Control': 'no-cache', 'Referrer-Policy': 'no-referrer' });
    // Once headers are out, an error means the client went away mid-file: nothing left to answer.
    res.sendFile(name, { root: BOARD_DIR }, (err) => (err && !res.headersSent ? reject(err) : resolve()));
  });
}
