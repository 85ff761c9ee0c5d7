import type { ErrorRequestHandler, RequestHandler } from 'express';
import { ZodError } from 'zod';
import type { ApiLog } from './log';
import { temporalFailureKind } from './temporal-calls';

/** The body of every 4xx/5xx answer: `{ error: { code, message, field? } }`, plus details where useful. */
export interface ErrorBody {
  error: { code: string; message: string; field?: string };
  [detail: string]: unknown;
}

/** An answer the API means to give; everything else becomes a 500 without details. */
export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
    /** Extra top-level members of the error body, e.g. what visibility knows of a machine. */
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }

  toBody(): ErrorBody {
    const error = this.field === undefined ? { code: this.code, message: this.message } : { code: this.code, message: this.message, field: this.field };
    return { ...this.details, error };
  }
}

export function invalidField(field: string, message: string): ApiError {
  return new ApiError(400, 'invalid_request', message, field);
}

/** Zod's first issue, named by field: the dotted path, or the unknown key for a strict object. */
export function fromZodError(error: ZodError, location: 'body' | 'query' | 'path'): ApiError {
  const issue = error.issues[0];
  if (!issue) return new ApiError(400, 'invalid_request', `invalid ${location}`);
  if (issue.code === 'unrecognized_keys') {
    const [key] = issue.keys;
    return invalidField(String(key), `unknown ${location === 'query' ? 'query parameter' : 'field'} "${String(key)}"`);
  }
  const field = issue.path.map(String).join('.');
  if (field === '') return new ApiError(400, 'invalid_request', `${location}: ${issue.message}`);
  return invalidField(field, `${field}: ${issue.message}`);
}

/** Errors raised by body-parser and the router carry an HTTP status and a `type`. */
interface HttpError {
  status: number;
  type?: string;
  /** Set by body-parser on entity.too.large: the limit in bytes. */
  limit?: number;
}

function isHttpError(err: unknown): err is HttpError {
  if (typeof err !== 'object' || err === null) return false;
  const status = (err as { status?: unknown }).status;
  return typeof status === 'number' && status >= 400 && status < 500;
}

const BODY_PARSER_ERRORS: Record<string, [code: string, message: string]> = {
  'entity.parse.failed': ['invalid_json', 'the request body is not valid JSON'],
  'entity.verify.failed': ['invalid_request', 'the request body was rejected'],
  'encoding.unsupported': ['unsupported_media_type', 'unsupported content encoding'],
  'charset.unsupported': ['unsupported_media_type', 'unsupported charset: send UTF-8 JSON'],
  'request.aborted': ['request_aborted', 'the request was aborted'],
  'request.size.invalid': ['invalid_request', 'the request body does not match its Content-Length'],
};

function fromHttpError(err: HttpError): ApiError {
  if (err.type === 'entity.too.large') {
    return new ApiError(413, 'payload_too_large', `the request body is larger than the limit of ${err.limit ?? 'the API'} bytes`);
  }
  const known = err.type ? BODY_PARSER_ERRORS[err.type] : undefined;
  if (known) return new ApiError(err.status, known[0], known[1]);
  // The router rejects a path segment that is not valid percent-encoding with a 400.
  if (err.status === 400) return new ApiError(400, 'invalid_request', 'the request URL or body is malformed');
  return new ApiError(err.status, 'invalid_request', 'the request was rejected');
}

export function temporalUnavailable(kind: 'unreachable' | 'no-answer'): ApiError {
  const message = kind === 'unreachable'
    ? 'Temporal is unreachable; check that the Temporal server is running and TEMPORAL_ADDRESS points at it'
    : 'Temporal did not answer in time; it may be unreachable or overloaded';
  return new ApiError(503, 'temporal_unavailable', message);
}

/** Maps anything thrown by a route to ApiError; unknown errors are logged and hidden. */
export function toApiError(err: unknown, log: ApiLog): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof ZodError) return fromZodError(err, 'body');
  if (isHttpError(err)) return fromHttpError(err);
  const temporal = temporalFailureKind(err);
  if (temporal) return temporalUnavailable(temporal);
  log.error('unexpected error in the API', err);
  return new ApiError(500, 'internal', 'internal error; the server log has the details');
}

/** The one error handler: every error answer is JSON, never a stack trace. */
export function errorHandler(log: ApiLog): ErrorRequestHandler {
  return (err, _req, res, next) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    const apiError = toApiError(err, log);
    if (apiError.status === 401) res.set('WWW-Authenticate', 'Bearer realm="show-control"');
    res.status(apiError.status).json(apiError.toBody());
  };
}

export const routeNotFound: RequestHandler = (req, _res, next) => {
  const path = req.path.length > 200 ? `${req.path.slice(0, 200)}...` : req.path;
  next(new ApiError(404, 'not_found', `no route for ${req.method} ${path}; GET /openapi.json lists them`));
};
