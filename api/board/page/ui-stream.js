/* global AbortController, TextDecoderStream, clearTimeout, document, setTimeout -- browser globals; the repository's ESLint config knows Node only. */
/**
 * The API's event stream (GET board/events), read with fetch so it can carry the bearer token
 * (EventSource cannot). Reconnects with backoff; a connection silent for too long is presumed
 * dead (a phone changing networks) and replaced. While the tab is hidden for a while the stream
 * is closed, so the API stops sweeping for a board nobody looks at.
 */
import { apiFetch } from './ui-auth.js';

/** The API sends an event after every sweep, every few seconds; a minute of silence is a dead connection. */
const SILENCE_MS = 60_000;
const HIDDEN_CLOSE_MS = 30_000;
const RETRY_FIRST_MS = 1_000;
const RETRY_MAX_MS = 15_000;

/**
 * handlers: { event(type, data), connected(), disconnected(reason) }.
 */
export function startFeed(handlers) {
  let controller;
  let hiddenTimer;
  let retryMs = RETRY_FIRST_MS;

  const connectOnce = async () => {
    controller = new AbortController();
    const abort = controller;
    let silence;
    const resetSilence = () => {
      clearTimeout(silence);
      silence = setTimeout(() => abort.abort(new Error('no event for a minute')), SILENCE_MS);
    };
    try {
      resetSilence();
      const response = await apiFetch('board/events', { headers: { Accept: 'text/event-stream' }, cache: 'no-store', signal: abort.signal });
      if (!response.ok) throw new Error(await errorText(response));
      handlers.connected();
      retryMs = RETRY_FIRST_MS;
      await readEvents(response.body, (type, data) => {
        resetSilence();
        handlers.event(type, data);
      });
      return 'the API closed the stream';
    } catch (err) {
      return abort.signal.aborted ? String(abort.signal.reason?.message ?? 'closed') : String(err?.message ?? err);
    } finally {
      clearTimeout(silence);
    }
  };

  let running = false;
  const run = async () => {
    if (running) return;
    running = true;
    while (document.visibilityState === 'visible') {
      handlers.disconnected(await connectOnce());
      if (document.visibilityState !== 'visible') break;
      await new Promise((resolve) => setTimeout(resolve, retryMs));
      retryMs = Math.min(retryMs * 2, RETRY_MAX_MS);
    }
    running = false;
  };

  document.addEventListener('visibilitychange', () => {
    clearTimeout(hiddenTimer);
    if (document.visibilityState === 'visible') run();
    else hiddenTimer = setTimeout(() => controller?.abort(new Error('tab hidden')), HIDDEN_CLOSE_MS);
  });
  run();
}

async function errorText(response) {
  try {
    const body = await response.json();
    return `${response.status}: ${body.error.message}`;
  } catch {
    return `HTTP ${response.status}`;
  }
}

/** Server-Sent Events framing: blocks separated by a blank line, `event:` and `data:` lines. */
async function readEvents(body, onEvent) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    const searchFrom = Math.max(0, buffer.length - 1);
    buffer += value;
    let end = buffer.indexOf('\n\n', searchFrom);
    while (end >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      dispatch(block, onEvent);
      end = buffer.indexOf('\n\n');
    }
  }
}

function dispatch(block, onEvent) {
  let type = 'message';
  const data = [];
  for (const line of block.split('\n')) {
    if (line.startsWith('event: ')) type = line.slice(7);
    else if (line.startsWith('data: ')) data.push(line.slice(6));
  }
  if (data.length > 0) onEvent(type, JSON.parse(data.join('\n')));
}
