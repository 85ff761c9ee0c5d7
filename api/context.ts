import type { Client } from '@temporalio/client';
import type { VenueConfig } from '../config/load';
import type { CursorCodec } from './cursor';
import type { ApiLog } from './log';
import type { TemporalAccess } from './temporal-calls';

/** What every route works with; built once by createApp. */
export interface ApiContext extends TemporalAccess {
  client: Client;
  namespace: string;
  /** The task queue of this venue's machine workflows: listings and group operations stay inside it. */
  taskQueue: string;
  venue?: VenueConfig;
  webUiBaseUrl?: string;
  log: ApiLog;
  cursors: CursorCodec;
  /** Aborted by stop(), so requests that wait for a workflow end promptly. */
  stopping: AbortSignal;
}
