import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { ApiError } from './errors';

export interface AccessSettings {
  /** Required for mutations, and for reads unless `openReads`. */
  token?: string;
  openReads?: boolean;
  /** Without a token, only a local demo may run, and then everything is open. */
  localDemo?: boolean;
}

export interface AccessGuards {
  read: RequestHandler;
  write: RequestHandler;
}

export class ApiConfigurationError extends Error {
  override readonly name = 'ApiConfigurationError';
}

const BEARER = /^Bearer ([\x21-\x7e]+)$/;

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/**
 * Compares digests, which always have the same length, so neither the length nor the content
 * of the configured token leaks through the comparison's timing.
 */
function tokenGuard(expected: Buffer): RequestHandler {
  return (req, _res, next) => {
    const header = req.get('authorization');
    if (header === undefined) {
      next(new ApiError(401, 'unauthorized', 'missing Authorization: Bearer <token> header'));
      return;
    }
    const presented = BEARER.exec(header)?.[1];
    if (presented === undefined || !timingSafeEqual(digest(presented), expected)) {
      next(new ApiError(401, 'unauthorized', 'invalid token'));
      return;
    }
    next();
  };
}

const open: RequestHandler = (_req, _res, next) => next();

/** Throws ApiConfigurationError when there is no token and this is not a local demo. */
export function accessGuards(settings: AccessSettings): AccessGuards {
  if (settings.token === undefined || settings.token === '') {
    if (!settings.localDemo) {
      throw new ApiConfigurationError('API_TOKEN is not set: set it, or set API_LOCAL_DEMO=true to run an open API on a local demo');
    }
    return { read: open, write: open };
  }
  const write = tokenGuard(digest(settings.token));
  return { read: settings.openReads ? open : write, write };
}
