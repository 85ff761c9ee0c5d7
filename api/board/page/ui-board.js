/**
 * The board's state: every machine by id, kept equal to the event stream (a snapshot, then
 * changes), filtered by the search box and the "needs attention" switch.
 */
import { countsNodes, createCard, createLayout, renderBlocked, renderSummary } from './ui-render.js';

/**
 * elements: { root, totals, blocked, empty }; hooks: { updated(entry), removed(entry) }, called after a
 * card was drawn or taken away, so details can follow.
 */
export function createBoard(elements, hooks) {
  const entries = new Map();
  const layout = createLayout(elements.root);
  let filter = { words: [], attentionOnly: false };

  const matches = (entry) => {
    if (filter.attentionOnly && !entry.attention) return false;
    if (filter.words.length === 0) return true;
    const { id, name = '', group = '', address = '' } = entry.summary;
    const haystack = `${id} ${name} ${group} ${address}`.toLowerCase();
    return filter.words.every((word) => haystack.includes(word));
  };

  const redraw = (entry, touched) => {
    renderSummary(entry);
    entry.card.hidden = !matches(entry);
    touched.add(entry.group);
    hooks.updated(entry);
  };

  const upsert = (summary, changedAtMs, touched, key = JSON.stringify(summary)) => {
    let entry = entries.get(summary.id);
    if (entry) {
      entry.summary = summary;
      entry.changedAtMs = changedAtMs;
    } else {
      entry = { summary, changedAtMs, expanded: false };
      createCard(entry);
      entries.set(summary.id, entry);
    }
    entry.key = key;
    const previous = entry.group;
    layout.place(entry);
    if (previous && previous !== entry.group) touched.add(previous);
    redraw(entry, touched);
  };

  const remove = (entry, touched) => {
    entries.delete(entry.summary.id);
    touched.add(entry.group);
    layout.remove(entry);
    hooks.removed(entry);
  };

  const finish = (touched) => {
    layout.refresh(touched);
    elements.totals.replaceChildren(...countsNodes(entries.values()));
    renderBlocked(elements.blocked, entries.values());
    const shown = [...entries.values()].some((entry) => !entry.card.hidden);
    elements.empty.hidden = shown;
    elements.empty.textContent = entries.size === 0 ? 'No machines are running on this task queue yet.' : 'No machine matches.';
  };

  return {
    get: (id) => entries.get(id),
    all: () => entries.values(),
    /** Everything the API knows; machines no longer listed leave the board. */
    snapshot(machines, sweptAtMs) {
      const touched = new Set();
      const listed = new Set(machines.map((summary) => summary.id));
      for (const entry of [...entries.values()]) if (!listed.has(entry.summary.id)) remove(entry, touched);
      for (const summary of machines) {
        const key = JSON.stringify(summary);
        if (entries.get(summary.id)?.key !== key) upsert(summary, sweptAtMs, touched, key);
      }
      finish(touched);
    },
    changes(upserts, removed, sweptAtMs) {
      const touched = new Set();
      for (const id of removed) {
        const entry = entries.get(id);
        if (entry) remove(entry, touched);
      }
      for (const summary of upserts) upsert(summary, sweptAtMs, touched);
      if (touched.size > 0) finish(touched);
    },
    /** A machine's status or expansion changed. */
    redraw(entry) {
      if (entries.get(entry.summary.id) !== entry) return;
      const touched = new Set();
      redraw(entry, touched);
      finish(touched);
    },
    setFilter(text, attentionOnly) {
      filter = { words: text.toLowerCase().split(/\s+/).filter(Boolean), attentionOnly };
      for (const entry of entries.values()) entry.card.hidden = !matches(entry);
      finish(new Set(layout.groups()));
    },
  };
}
