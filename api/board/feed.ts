/**
 * The status board's live data: one visibility sweep (every machine, all pages) shared by every
 * open board, made once when the API starts and repeated while at least one board is watching,
 * stopped when none is. A board gets the last snapshot the moment it connects, then only the
 * machines that changed.
 *
 * Why a shared server-side sweep and not each board polling GET /machines: on the dev server's
 * SQLite visibility a full sweep of 5,000 machines takes seconds, and each board would pay it
 * (and download about 1 MB) on every poll. Here the cost is one sweep per pause, however many
 * boards are open, and a quiet venue sends a few bytes per sweep.
 */
import { setMaxListeners } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Request, Response } from 'express';
import type { ApiContext } from '../context';
import { toApiError } from '../errors';
import type { MachineSummary } from '../response-schemas';
import { machineSummaries } from '../visibility';
import { openEventStream, type EventStream } from './event-stream';

export interface MachineFeedOptions {
  /** Pause between the end of one sweep and the start of the next. */
  pauseMs?: number;
}

export interface MachineFeed {
  /** Streams `snapshot`, then `changes` and `problem` events to this response until either side ends it. */
  subscribe(req: Request, res: Response): void;
  /**
   * Sweeps once now, without a board watching, so that the first board after the API starts gets
   * its snapshot at once instead of waiting for a whole sweep (seconds with thousands of machines).
   */
  warm(): void;
}

/** What the board needs besides the machines: shown in its header and used for links. */
export interface BoardMeta {
  venue?: string;
  /** IANA timezone of the venue, so end times read in venue time on any phone. */
  timezone?: string;
  /** Append a workflow id (URL-encoded) for that machine's page in the Temporal Web UI. */
  webUiWorkflowsUrl?: string;
}

/** Event `snapshot`. */
export interface SnapshotEvent extends BoardMeta {
  /** When the sweep these machines come from started. */
  sweptAtMs: number;
  sweepMs: number;
  machines: MachineSummary[];
}

/** Event `changes`, sent after every sweep (empty lists when nothing changed, so the board knows it is live). */
export interface ChangesEvent {
  sweptAtMs: number;
  sweepMs: number;
  upserts: MachineSummary[];
  removed: string[];
}

/** Event `problem`: a sweep failed; the board keeps showing the last snapshot. */
export interface ProblemEvent {
  code: string;
  message: string;
  atMs: number;
}

const DEFAULT_PAUSE_MS = 2_000;

export function createMachineFeed(ctx: ApiContext, options: MachineFeedOptions = {}): MachineFeed {
  const pauseMs = options.pauseMs ?? DEFAULT_PAUSE_MS;
  const meta = boardMeta(ctx);
  /** Each machine with its JSON, which is both what is sent and what a change is detected by. */
  const machines = new Map<string, { summary: MachineSummary; json: string }>();
  /**
   * Missing from one sweep is not gone: a workflow that continues as new mid-sweep starts a new
   * run at the top of the listing, on a page already read, and its old run has closed. About one
   * in 5,000 machines does so every few seconds; only a machine missing twice in a row has left.
   */
  const missedOnce = new Set<string>();
  let lastSweep: { atMs: number; durationMs: number } | undefined;
  let snapshotText: string | undefined;
  const subscribers = new Set<EventStream>();
  const primed = new WeakSet<EventStream>();
  let sweeping: Promise<void> | undefined;
  let failing = false;

  const snapshot = (): string => {
    if (!lastSweep) throw new Error('no sweep has completed yet');
    const event: SnapshotEvent = {
      ...meta,
      sweptAtMs: lastSweep.atMs,
      sweepMs: lastSweep.durationMs,
      machines: [...machines.values()].map(({ summary }) => summary),
    };
    snapshotText ??= JSON.stringify(event);
    return snapshotText;
  };

  const sendSnapshot = (stream: EventStream) => {
    stream.send('snapshot', snapshot());
    primed.add(stream);
  };

  const apply = (listed: MachineSummary[], atMs: number, durationMs: number) => {
    const upserts: MachineSummary[] = [];
    const seen = new Set<string>();
    for (const summary of listed) {
      seen.add(summary.id);
      const json = JSON.stringify(summary);
      if (machines.get(summary.id)?.json === json) continue;
      machines.set(summary.id, { summary, json });
      upserts.push(summary);
    }
    for (const id of seen) missedOnce.delete(id);
    const removed: string[] = [];
    for (const id of machines.keys()) {
      if (seen.has(id)) continue;
      if (missedOnce.delete(id)) removed.push(id);
      else missedOnce.add(id);
    }
    for (const id of removed) machines.delete(id);
    lastSweep = { atMs, durationMs };
    snapshotText = undefined;
    const changes: ChangesEvent = { sweptAtMs: atMs, sweepMs: durationMs, upserts, removed };
    const changesText = JSON.stringify(changes);
    for (const stream of subscribers) {
      if (primed.has(stream)) stream.send('changes', changesText);
      else sendSnapshot(stream);
    }
  };

  const reportProblem = (err: unknown) => {
    const { code, message } = toApiError(err, ctx.log).toBody().error;
    if (!failing) ctx.log.warn(`status board: listing machines failed (${code}): ${message}`);
    failing = true;
    const problem: ProblemEvent = { code, message, atMs: Date.now() };
    const text = JSON.stringify(problem);
    for (const stream of subscribers) stream.send('problem', text);
  };

  const sweepOnce = async () => {
    const startedMs = Date.now();
    // Aborted by stop(), so no call outlives the API (and the connection its owner closes next).
    // One controller per sweep: the SDK never removes the listener it adds for each call.
    const sweep = new AbortController();
    setMaxListeners(0, sweep.signal);
    const abortSweep = () => sweep.abort();
    ctx.stopping.addEventListener('abort', abortSweep, { once: true });
    try {
      const listed = await ctx.client.withAbortSignal(sweep.signal, () => machineSummaries(ctx, {}));
      if (failing) ctx.log.info('status board: listing machines works again');
      failing = false;
      const first = lastSweep === undefined;
      apply(listed, startedMs, Date.now() - startedMs);
      if (first) ctx.log.info(`status board: ready, ${listed.length} machines listed in ${Date.now() - startedMs} ms`);
    } catch (err) {
      if (!ctx.stopping.aborted) reportProblem(err);
    } finally {
      ctx.stopping.removeEventListener('abort', abortSweep);
    }
  };

  /** At least one sweep, then on for as long as a board watches. */
  const sweepWhileWatched = async () => {
    do {
      await sweepOnce();
      if (subscribers.size === 0) break;
      await sleep(pauseMs, undefined, { signal: ctx.stopping }).catch(() => undefined);
    } while (subscribers.size > 0 && !ctx.stopping.aborted);
    sweeping = undefined;
  };

  ctx.stopping.addEventListener('abort', () => {
    for (const stream of subscribers) stream.close();
  }, { once: true });

  return {
    subscribe(req, res) {
      const stream = openEventStream(req, res, { onClose: () => subscribers.delete(stream) });
      if (ctx.stopping.aborted) {
        stream.close();
        return;
      }
      subscribers.add(stream);
      // Possibly minutes old after a quiet spell; it carries its time, and the sweep now starting corrects it.
      if (lastSweep) sendSnapshot(stream);
      sweeping ??= sweepWhileWatched();
    },
    warm() {
      if (!ctx.stopping.aborted) sweeping ??= sweepWhileWatched();
    },
  };
}

function boardMeta(ctx: ApiContext): BoardMeta {
  const base = ctx.webUiBaseUrl?.replace(/\/+$/, '');
  return {
    venue: ctx.venue?.venue.name,
    timezone: ctx.venue?.venue.timezone,
    webUiWorkflowsUrl: base ? `${base}/namespaces/${encodeURIComponent(ctx.namespace)}/workflows/` : undefined,
  };
}
