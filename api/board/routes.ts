/**
 * The status board (README, "Status board"): the page at `/`, its files under `/board/`, and its live
 * event stream. They are the board's own interface, not JSON API operations, so the OpenAPI
 * document leaves them out (test/api/openapi.test.ts names them).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import express, { Router, type Response } from 'express';
import type { AccessGuards } from '../auth';
import type { ApiContext } from '../context';
import { ApiError } from '../errors';
import type { MachineFeed } from './feed';

/**
 * The browser's files, and nothing else, sit in page/ beside this module, in the sources and in a
 * build's dist/ alike: the folder is served as it is.
 */
const PAGE_DIR = path.join(__dirname, 'page');
const PAGE = 'index.html';

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
  const missing = !existsSync(path.join(PAGE_DIR, PAGE));
  if (missing) ctx.log.warn(`status board: ${path.join(PAGE_DIR, PAGE)} is missing; GET / will answer 503`);
  const router = Router();

  router.get('/', async (_req, res) => {
    if (missing) {
      throw new ApiError(503, 'board_unavailable', `the status board's files are missing from ${PAGE_DIR}; a build must copy api/board/page/ there`);
    }
    await sendPage(res);
  });

  router.get('/board/events', guards.read, (req, res) => feed.subscribe(req, res));

  // A name that is not a file of page/ (or climbs out of it) falls through to the API's JSON 404.
  router.use('/board', express.static(PAGE_DIR, { index: false, redirect: false, setHeaders: setPageHeaders }));
  return router;
}

/** Revalidated on every load (ETag), so a new version of the board is never stale in a phone's cache. */
function setPageHeaders(res: Response): void {
  res.set({ 'Content-Security-Policy': CONTENT_SECURITY_POLICY, 'Cache-Control': 'no-cache', 'Referrer-Policy': 'no-referrer' });
}

function sendPage(res: Response): Promise<void> {
  return new Promise((resolve, reject) => {
    setPageHeaders(res);
    // Once headers are out, an error means the client went away mid-file: nothing left to answer.
    res.sendFile(PAGE, { root: PAGE_DIR }, (err) => (err && !res.headersSent ? reject(err) : resolve()));
  });
}
