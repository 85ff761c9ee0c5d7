import type { Client } from '@temporalio/client';
import type { VenueConfig } from '../config/load';
import type { CursorCodec } from './cursor';
import { ApiError } from './errors';
import type { ApiLog } from './log';
import type { TemporalAccess } from './temporal-calls';

/** What every route works with; built once by createApp. */
export interface ApiContext extends TemporalAccess {
  client: Client;
  namespace: string;
  /** The task queue of this venue's machine workflows: listings and group operations stay inside it. */
  taskQueue: string;
  /** The venue file the API was started with: what POST /sync applies and where groups are looked up. */
  venue?: VenueConfig;
  webUiBaseUrl?: string;
  log: ApiLog;
  cursors: CursorCodec;
  /** Aborted by stop(), so requests that wait for a workflow end promptly. */
  stopping: AbortSignal;
}

/** The venue configuration; ApiError 409 when the API was started without one, so it cannot do `what`. */
export function configuredVenue(ctx: ApiContext, what: string): VenueConfig {
  if (!ctx.venue) throw new ApiError(409, 'not_configured', `this API was started without a venue configuration, so it cannot ${what}`);
  return ctx.venue;
}
