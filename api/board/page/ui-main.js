/* global document, performance, requestAnimationFrame, setInterval, setTimeout, clearTimeout -- browser globals; the repository's ESLint config knows Node only. */
/**
 * The status board: wires the event stream to the board, the details and the actions.
 * Marks `board:snapshot` when the first snapshot has arrived, `board:rendered` and
 * `board:painted` once it is on screen (performance.mark): what the load benchmark measures.
 */
import { createActions } from './ui-actions.js';
import { createBoard } from './ui-board.js';
import { createDetails } from './ui-details.js';
import { formatClock, useTimeZone } from './ui-format.js';
import { startReadiness } from './ui-readiness.js';
import { el } from './ui-render.js';
import { startFeed } from './ui-stream.js';

const STALE_MS = 20_000;
const byId = (id) => document.getElementById(id);

const meta = {};
const live = { sweptAtMs: undefined, lastEventAtMs: 0, problem: undefined, down: 'connecting…', oldSnapshot: false };
let details;
const board = createBoard(
  { root: byId('groups'), totals: byId('totals'), blocked: byId('blocked'), empty: byId('empty') },
  { updated: (entry) => details.updated(entry), removed: (entry) => details.removed(entry) },
);
details = createDetails(board, meta);
const actions = createActions({ board, details, toast });

byId('groups').addEventListener('click', (event) => {
  const card = event.target.closest('.machine');
  const entry = card && board.get(card.dataset.id);
  if (!entry) return;
  const actionButton = event.target.closest('button[data-action]');
  if (actionButton) actions.start(actionButton.dataset.action, entry);
  else if (event.target.closest('.summary')) details.toggle(entry);
});

let filterTimer;
const applyFilter = () => board.setFilter(byId('search').value, byId('attention').checked);
byId('search').addEventListener('input', () => {
  clearTimeout(filterTimer);
  filterTimer = setTimeout(applyFilter, 120);
});
byId('attention').addEventListener('change', applyFilter);

function toast(text, kind = '') {
  const node = el('div', `toast ${kind}`, text);
  node.addEventListener('click', () => node.remove());
  byId('toasts').append(node);
  setTimeout(() => node.remove(), kind === 'error' ? 15_000 : 6_000);
}

function showLive() {
  const indicator = byId('live');
  const asOf = live.sweptAtMs === undefined ? 'waiting for the first listing' : `as of ${formatClock(live.sweptAtMs)}`;
  let state = 'live';
  let text = `live · ${asOf}`;
  if (live.down) [state, text] = ['down', `${live.down} · ${asOf}`];
  else if (live.problem) [state, text] = ['down', `not updating · ${asOf}`];
  else if (Date.now() - live.lastEventAtMs > STALE_MS) [state, text] = ['stale', `no update for a while · ${asOf}`];
  else if (live.oldSnapshot) [state, text] = ['stale', `updating · ${asOf}`];
  indicator.dataset.state = state;
  indicator.textContent = text;
  const banner = byId('problem');
  banner.hidden = !live.problem;
  banner.textContent = live.problem ? `The API cannot list machines: ${live.problem.message} The board shows the last known state (${asOf}).` : '';
}
setInterval(showLive, 5_000);

let rendered = false;
function firstRender() {
  if (rendered) return;
  rendered = true;
  performance.mark('board:rendered');
  document.documentElement.dataset.board = 'ready';
  requestAnimationFrame(() => setTimeout(() => performance.mark('board:painted')));
}

const EVENTS = {
  snapshot(data) {
    if (!rendered) performance.mark('board:snapshot');
    Object.assign(meta, { webUiWorkflowsUrl: data.webUiWorkflowsUrl });
    useTimeZone(data.timezone);
    byId('venue').textContent = data.venue ?? 'Status board';
    document.title = data.venue ? `${data.venue} · status board` : 'Status board';
    board.snapshot(data.machines, data.sweptAtMs);
    live.problem = undefined;
    // The API kept it from before a quiet spell: shown at once, corrected by the sweep now running.
    live.oldSnapshot = Date.now() - data.sweptAtMs > STALE_MS;
    firstRender();
  },
  changes(data) {
    board.changes(data.upserts, data.removed, data.sweptAtMs);
    live.problem = undefined;
    live.oldSnapshot = false;
  },
  problem(data) {
    live.problem = data;
  },
};

startReadiness(byId('readiness'));

startFeed({
  connected() {
    live.down = undefined;
    live.lastEventAtMs = Date.now();
  },
  disconnected(reason) {
    live.down = `reconnecting (${reason})`;
    showLive();
  },
  event(type, data) {
    EVENTS[type]?.(data);
    live.lastEventAtMs = Date.now();
    if (data.sweptAtMs !== undefined) live.sweptAtMs = data.sweptAtMs;
    showLive();
  },
});
