/* global document, FormData, localStorage -- browser globals; the repository's ESLint config knows Node only. */
/**
 * The operator's changes, each a call to the API with ?wait=5s: the answer says whether the
 * machine's workflow has applied it (200) or only stored it until a worker runs (202). Changes
 * that move power or stop control ask first, with a reason and how long.
 */
import { apiFetch } from './ui-auth.js';
import { el } from './ui-render.js';

const OPERATOR_KEY = 'show-control.operator';
/** Who the audit trail names when the operator leaves "Your name" empty. */
const DEFAULT_BY = 'status board';

const ACTIONS = {
  'force-on': {
    label: 'Force on', done: 'forced on', method: 'POST', path: 'override', body: { power: 'on' },
    until: '1h', reason: 'forced on from the status board', allowed: () => true,
  },
  'force-off': {
    label: 'Force off', done: 'forced off', method: 'POST', path: 'override', body: { power: 'off' },
    until: '1h', reason: 'forced off from the status board', allowed: () => true,
  },
  'clear-override': {
    label: 'Clear override', done: 'back to its schedule', method: 'DELETE', path: 'override',
    note: 'The machine goes back to its schedule.', allowed: (entry) => entry.view.mode === 'override' || Boolean(entry.status?.data?.override),
  },
  'start-maintenance': {
    label: 'Start maintenance', done: 'in maintenance', method: 'POST', path: 'maintenance',
    until: '2h', reason: '', note: 'No probes, no commands and no alerts until it ends.', allowed: (entry) => entry.view.mode !== 'maintenance',
  },
  'end-maintenance': {
    label: 'End maintenance', done: 'out of maintenance', method: 'DELETE', path: 'maintenance',
    note: 'The machine is checked and corrected again.', allowed: (entry) => entry.view.mode === 'maintenance',
  },
  'run-now': { label: 'Run now', done: 'checked now', method: 'POST', path: 'reconcile', immediate: true, allowed: () => true },
};

export function actionBar(entry) {
  const bar = el('div', 'actions');
  for (const [name, action] of Object.entries(ACTIONS)) {
    const button = el('button', '', action.label);
    button.type = 'button';
    button.dataset.action = name;
    button.disabled = Boolean(entry.busy) || !action.allowed(entry);
    bar.append(button);
  }
  return bar;
}

/** toast(text, kind?) shows the outcome; details.accept takes the status a 200 carries. */
export function createActions({ board, details, toast }) {
  const dialog = document.getElementById('action-dialog');
  const form = document.getElementById('action-form');
  const untilField = document.getElementById('action-until');
  let pending;

  const send = async (entry, action, fields) => {
    const { id, name = id } = entry.summary;
    const body = { ...action.body, by: fields.by || DEFAULT_BY };
    for (const field of ['until', 'reason']) if (fields[field]) body[field] = fields[field];
    entry.busy = true;
    board.redraw(entry);
    const sentAtMs = Date.now();
    try {
      const response = await apiFetch(`machines/${encodeURIComponent(id)}/${action.path}?wait=5s`, {
        method: action.method,
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
      const answer = await response.json();
      if (response.status === 200) {
        details.accept(entry, answer.machine, sentAtMs);
        toast(`${name}: ${action.done}.`);
      } else if (response.status === 202) {
        toast(`${name}: ${action.done} once a worker picks it up (the change is stored).`);
      } else {
        toast(`${name}: ${answer.error?.message ?? `HTTP ${response.status}`}`, 'error');
      }
    } catch (err) {
      toast(`${name}: ${err?.message ?? err}`, 'error');
    } finally {
      entry.busy = false;
      board.redraw(entry);
    }
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const fields = Object.fromEntries(new FormData(form));
    if (fields.by) localStorage.setItem(OPERATOR_KEY, fields.by);
    dialog.close();
    if (!pending.action.until) delete fields.until;
    send(pending.entry, pending.action, fields);
  });
  document.getElementById('action-cancel').addEventListener('click', () => dialog.close());

  return {
    start(name, entry) {
      const action = ACTIONS[name];
      if (!action) return;
      if (action.immediate) {
        send(entry, action, {});
        return;
      }
      pending = { entry, action };
      const { id, name: machineName = id } = entry.summary;
      form.reset();
      document.getElementById('action-title').textContent = `${action.label}: ${machineName}`;
      document.getElementById('action-note').textContent = [
        `${id} should be ${entry.view.desired ?? 'unknown'} and is ${entry.view.observed}.`,
        action.note,
      ].filter(Boolean).join(' ');
      untilField.hidden = !action.until;
      form.elements.until.value = action.until ?? '';
      form.elements.reason.value = action.reason ?? '';
      form.elements.reason.required = action.until !== undefined;
      form.elements.by.value = localStorage.getItem(OPERATOR_KEY) ?? '';
      document.getElementById('action-confirm').textContent = action.label;
      dialog.showModal();
    },
  };
}
