/* global IntersectionObserver, queueMicrotask, setInterval -- browser globals; the repository's ESLint config knows Node only. */
/**
 * What visibility does not carry (last error, override and maintenance end times, the audit
 * trail) comes from each machine's status query, GET machines/:id. Loaded lazily, so that
 * 5,000 machines never mean 5,000 queries: for an expanded card, and for failing, forced or
 * maintained cards while they are on screen; a few at a time, again when the machine changes.
 */
import { actionBar } from './ui-actions.js';
import { apiFetch } from './ui-auth.js';
import { formatWhen, powerText, untilText } from './ui-format.js';
import { el, lastErrorOf } from './ui-render.js';

const MAX_IN_FLIGHT = 4;
const EXPANDED_REFRESH_MS = 10_000;
const ON_SCREEN_REFRESH_MS = 30_000;
const RECHECK_MS = 5_000;
const AUDIT_SHOWN = 5;

const OUTCOMES = {
  'in-sync': 'in its desired state',
  commanded: 'command sent',
  transitional: 'warming up or cooling down; waiting',
  failed: 'failed',
  maintenance: 'skipped: maintenance',
};

function needsDetails(entry) {
  return entry.attention === 'failing' || entry.attention === 'override' || entry.attention === 'maintenance';
}

/** meta: the stream's { webUiWorkflowsUrl }, filled in when the first snapshot arrives. */
export function createDetails(board, meta) {
  const onScreen = new Set();
  const expanded = new Set();
  const pending = new Set();
  const queue = [];
  let inFlight = 0;
  let scheduled = false;

  const observer = new IntersectionObserver((records) => {
    for (const record of records) {
      const id = record.target.dataset.id;
      if (record.isIntersecting) onScreen.add(id);
      else onScreen.delete(id);
    }
    schedule();
  }, { rootMargin: '300px 0px' });

  const wanted = (entry) => entry.expanded || (needsDetails(entry) && onScreen.has(entry.summary.id));
  const stale = (entry) => {
    const status = entry.status;
    if (!status || status.key !== entry.key) return true;
    return Date.now() - status.fetchedAtMs > (entry.expanded ? EXPANDED_REFRESH_MS : ON_SCREEN_REFRESH_MS);
  };

  const load = async (id) => {
    const entry = board.get(id);
    if (!entry) return;
    const key = entry.key;
    const fetchedAtMs = Date.now();
    let status;
    try {
      const response = await apiFetch(`machines/${encodeURIComponent(id)}`, { cache: 'no-store' });
      const body = await response.json();
      status = response.ok ? { data: body, key, fetchedAtMs } : { error: body.error?.message ?? `HTTP ${response.status}`, key, fetchedAtMs };
    } catch (err) {
      status = { error: String(err?.message ?? err), key, fetchedAtMs };
    }
    const current = board.get(id);
    if (!current) return;
    current.status = status;
    board.redraw(current);
  };

  const pump = () => {
    while (inFlight < MAX_IN_FLIGHT && queue.length > 0) {
      const id = queue.shift();
      inFlight++;
      load(id).finally(() => {
        inFlight--;
        pending.delete(id);
        pump();
      });
    }
  };

  function schedule() {
    if (scheduled) return;
    scheduled = true;
    // Many cards change in one event: decide once, after all of them.
    queueMicrotask(() => {
      scheduled = false;
      for (const id of new Set([...expanded, ...onScreen])) {
        const entry = board.get(id);
        if (!entry || pending.has(id) || !wanted(entry) || !stale(entry)) continue;
        pending.add(id);
        queue.push(id);
      }
      pump();
    });
  }
  setInterval(schedule, RECHECK_MS);

  const renderPanel = (entry) => {
    if (entry.panelFor === `${entry.key}|${entry.status?.fetchedAtMs}|${entry.busy}`) return;
    entry.panelFor = `${entry.key}|${entry.status?.fetchedAtMs}|${entry.busy}`;
    entry.panel.replaceChildren(...panelContent(entry, meta));
  };

  return {
    /** The board drew this card. */
    updated(entry) {
      if (needsDetails(entry) !== Boolean(entry.observed)) {
        entry.observed = needsDetails(entry);
        if (entry.observed) observer.observe(entry.card);
        else {
          observer.unobserve(entry.card);
          onScreen.delete(entry.summary.id);
        }
      }
      if (entry.expanded) renderPanel(entry);
      if (wanted(entry) && stale(entry)) schedule();
    },
    removed(entry) {
      observer.unobserve(entry.card);
      onScreen.delete(entry.summary.id);
      expanded.delete(entry.summary.id);
    },
    toggle(entry) {
      entry.expanded = !entry.expanded;
      entry.button.setAttribute('aria-expanded', String(entry.expanded));
      if (entry.expanded) {
        expanded.add(entry.summary.id);
        entry.card.dataset.expanded = '';
        entry.panel = el('div', 'details');
        entry.card.append(entry.panel);
        entry.panelFor = undefined;
        renderPanel(entry);
        schedule();
      } else {
        expanded.delete(entry.summary.id);
        delete entry.card.dataset.expanded;
        entry.panel?.remove();
        entry.panel = undefined;
      }
    },
    /** A change answered with the machine's status (POST ...?wait): as good as a fresh load. */
    accept(entry, data, fetchedAtMs) {
      entry.status = { data, key: entry.key, fetchedAtMs };
      board.redraw(entry);
    },
  };
}

/** `HDMI2, wanted HDMI1 (scene museum); corrected 10:02` */
function aspectText(aspect) {
  const seen = aspect.observed === undefined ? 'not read yet' : String(aspect.observed);
  const from = aspect.scene ? ` (scene ${aspect.scene})` : aspect.source === 'override' ? ' (override)' : '';
  const wanted = aspect.wanted === undefined ? ', left alone while off' : aspect.inWantedState ? ` as wanted${from}` : `, wanted ${aspect.wanted}${from}`;
  const corrected = aspect.lastCorrection ? `; set to ${aspect.lastCorrection.value} ${formatWhen(aspect.lastCorrection.atMs)}` : '';
  return `${seen}${wanted}${corrected}`;
}

function panelContent(entry, meta) {
  const { summary, status } = entry;
  const data = status?.data;
  const rows = [];
  const row = (label, value, className) => rows.push(el('dt', '', label), el('dd', className, value));
  row('Address', [summary.address, summary.driver].filter(Boolean).join(' · ') || 'unknown');
  if (!status) row('Details', 'loading…');
  else if (status.error) row('Details', `unavailable: ${status.error}`, 'error');
  if (data) {
    const check = data.lastCheck;
    if (check) {
      const corrected = check.corrected?.length ? ` (corrected ${check.corrected.join(', ')})` : '';
      row('Last check', `${formatWhen(check.atMs)}: ${OUTCOMES[check.outcome] ?? check.outcome}${corrected}`);
    }
    const lastError = lastErrorOf(data);
    if (lastError) row('Last error', lastError, 'error');
    if (data.consecutiveFailures > 0) row('Failed checks', `${data.consecutiveFailures} in a row`);
    if (data.observed) {
      const detail = data.observed.detail ? ` (${data.observed.detail})` : '';
      row('Seen', `${powerText(data.observed.power)} at ${formatWhen(data.observed.atMs)}${detail}`);
    }
    for (const aspect of data.aspects ?? []) row(`${aspect.name}`, aspectText(aspect), aspect.inWantedState === false ? 'error' : '');
    const lamps = data.telemetry?.lamps;
    if (lamps?.length) row('Lamp', lamps.map((lamp) => `${lamp.hours} h${lamp.lit ? ', lit' : ''}`).join('; '));
    const faults = Object.entries(data.telemetry?.errors ?? {}).filter(([, state]) => state !== 'ok');
    if (faults.length) row('Device reports', faults.map(([component, state]) => `${component} ${state}`).join(', '), 'error');
    if (data.override) {
      const { power, scene, aspects, untilMs, by, reason } = data.override;
      const forced = [power && powerText(power), scene && `scene ${scene}`, ...Object.entries(aspects ?? {}).map(([name, value]) => `${name} ${value}`)].filter(Boolean);
      row('Override', `${forced.join(', ')} ${untilText(untilMs)}, by ${by}: ${reason}`);
    }
    if (data.maintenance) {
      const { untilMs, by, reason } = data.maintenance;
      row('Maintenance', `${untilText(untilMs)}, by ${by}: ${reason}`);
    }
    if (data.nextScheduleChangeMs) row('Schedule', `changes ${formatWhen(data.nextScheduleChangeMs)}`);
  }
  const list = el('dl');
  list.append(...rows);
  const parts = [list, actionBar(entry)];
  if (meta.webUiWorkflowsUrl) {
    const link = el('a', 'history', 'History in the Temporal Web UI ↗');
    link.href = meta.webUiWorkflowsUrl + encodeURIComponent(summary.workflowId);
    link.target = '_blank';
    link.rel = 'noopener noreferrer';
    parts.push(link);
  }
  if (data?.audit?.length) {
    const audit = el('ol', 'audit');
    audit.setAttribute('aria-label', 'recent changes');
    for (const change of data.audit.slice(-AUDIT_SHOWN).reverse()) {
      audit.append(el('li', '', `${formatWhen(change.atMs)} ${change.action}, by ${change.by}: ${change.reason}`));
    }
    parts.push(audit);
  }
  return parts;
}
