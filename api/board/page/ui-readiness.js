/* global setTimeout -- a browser global; the repository's ESLint config knows Node only. */
/**
 * The last readiness report (GET /readiness) above the zones: before the doors open, what is not
 * ready and why; after closing, what is still on. Hidden when the venue has no `readiness:`.
 */
import { apiFetch } from './ui-auth.js';
import { formatWhen } from './ui-format.js';
import { el } from './ui-render.js';

const REFRESH_MS = 30_000;
const TITLES = { 'doors-open': 'Doors open', 'after-closing': 'After closing' };

export function startReadiness(root) {
  const refresh = async () => {
    try {
      const response = await apiFetch('readiness', { cache: 'no-store' });
      if (response.status === 404) root.hidden = true;
      else if (response.ok) show(root, await response.json());
    } catch {
      // The board's own banner says when the API is away; the last report stays as shown.
    } finally {
      setTimeout(refresh, REFRESH_MS);
    }
  };
  void refresh();
}

function show(root, readiness) {
  const [report] = readiness.reports;
  root.replaceChildren();
  root.hidden = false;
  if (!report) {
    const next = readiness.next;
    root.dataset.state = 'pending';
    root.append(el('p', 'readiness-title', next ? `${TITLES[next.kind]} report at ${formatWhen(next.dueMs)}` : 'No readiness report planned'));
    return;
  }
  root.dataset.state = report.notReady.length === 0 ? 'ready' : 'not-ready';
  const title = el('p', 'readiness-title', report.summary);
  const when = `${TITLES[report.kind]} ${formatWhen(report.referenceMs)} · checked ${formatWhen(report.checkedAtMs)}${report.delivery ? ` · ${report.delivery.detail}` : ''}`;
  root.append(title, el('p', 'muted', when));
  if (report.notReady.length > 0) {
    const list = el('ul', 'readiness-list');
    for (const machine of report.notReady) {
      const item = el('li');
      item.append(el('strong', undefined, machine.name), el('span', 'muted', ` ${machine.id} · ${machine.group} · `), el('span', undefined, machine.reason));
      list.append(item);
    }
    root.append(list);
  }
}
