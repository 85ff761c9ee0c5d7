/* global document, window -- browser globals; the repository's ESLint config knows Node only. */
/**
 * The machines on the page, grouped by zone. Every text from the API goes in through
 * textContent or a text node, never as HTML: names come from a configuration file.
 *
 * An entry is one machine: `summary` from visibility (the event stream), `status` from the
 * machine's own status query when loaded (ui-details.js), and its card's elements.
 */
import { powerText, untilText } from './ui-format.js';

const byNumber = new Intl.Collator(undefined, { numeric: true }).compare;
const NO_GROUP = '(no group)';
/** The grid's minimum card width (board.css, 18rem) plus its gap, for estimating a zone's height. */
const CARD_WIDTH_PX = 296;

export function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** What the card shows: the status query when it is newer than the last change visibility reported. */
function viewOf(entry) {
  const summary = entry.summary;
  const status = entry.status?.data;
  if (status && entry.status.fetchedAtMs > entry.changedAtMs) {
    const aspectsWanted = status.aspects?.every((aspect) => aspect.inWantedState !== false) ?? true;
    return { desired: status.desired, observed: status.observed?.power ?? 'unknown', health: status.health, mode: status.mode, aspectsWanted, held: status.dependencies?.heldBack };
  }
  return {
    desired: summary.desired,
    observed: summary.observed ?? 'unknown',
    health: summary.health ?? 'unknown',
    mode: summary.mode ?? 'schedule',
    aspectsWanted: summary.aspectsInWantedState !== 'no',
    held: summary.dependencies,
  };
}


/** Why a card stands out, most urgent first; '' when it does not. */
function attentionOf(view) {
  if (view.health === 'failing') return 'failing';
  if (view.health === 'blocked') return 'blocked';
  if (view.mode === 'maintenance') return 'maintenance';
  if (view.mode === 'override') return 'override';
  // An input, mute or level off its wanted value is as wrong as the wrong power state.
  return powerMismatch(view) || !view.aspectsWanted ? 'mismatch' : '';
}

function powerMismatch(view) {
  const settled = view.observed === 'on' || view.observed === 'off';
  return settled && Boolean(view.desired) && view.observed !== view.desired;
}

function badgesOf(view, status) {
  const badges = [];
  if (view.health === 'failing') badges.push(['failing', 'failing']);
  else if (view.health === 'unknown') badges.push(['unknown', 'no check yet']);
  if (view.held) badges.push([view.held.blockedBy ? 'blocked' : 'waiting', view.held.note]);
  // End times come from the status query; until it has loaded, the badge says what visibility knows.
  const agrees = status && status.mode === view.mode;
  if (view.mode === 'override') {
    const override = agrees ? status.override : undefined;
    badges.push(['override', `forced ${view.desired ?? ''}${override ? ` ${untilText(override.untilMs)}` : ''}`]);
  }
  if (!view.aspectsWanted) {
    const off = status?.aspects?.filter((aspect) => aspect.inWantedState === false).map((aspect) => aspect.name) ?? [];
    badges.push(['drift', off.length > 0 ? `${off.join(', ')} not as wanted` : 'not as wanted']);
  }
  if (view.mode === 'maintenance') {
    const maintenance = agrees ? status.maintenance : undefined;
    badges.push(['maintenance', `maintenance${maintenance ? ` ${untilText(maintenance.untilMs)}` : ''}`]);
  }
  return badges.map(([kind, text]) => el('span', `badge ${kind}`, text));
}

export function lastErrorOf(status) {
  const failure = status?.lastCheck?.outcome === 'failed' ? status.lastCheck.failure : undefined;
  return failure ? `${failure.step} failed: ${failure.message}` : undefined;
}

function setPower(node, power, mismatch) {
  node.textContent = powerText(power);
  node.dataset.power = power ?? 'unknown';
  node.toggleAttribute('data-mismatch', mismatch);
}

/** Fills the card's always-visible part, in place. */
export function renderSummary(entry) {
  const { summary, parts } = entry;
  const view = viewOf(entry);
  const attention = attentionOf(view);
  const status = entry.status?.data;
  parts.dot.dataset.power = view.observed;
  parts.name.textContent = summary.name ?? summary.id;
  setPower(parts.desired, view.desired, false);
  setPower(parts.observed, view.observed, powerMismatch(view));
  parts.badges.replaceChildren(...badgesOf(view, status));
  const lastError = view.health === 'failing' ? lastErrorOf(status) : undefined;
  parts.lastError.textContent = lastError ?? '';
  parts.lastError.hidden = !lastError;
  entry.card.dataset.attention = attention;
  entry.view = view;
  entry.attention = attention;
}

let cardTemplate;

/** One card built once and cloned for each machine; renderSummary then changes only its texts. */
function template() {
  if (!cardTemplate) {
    cardTemplate = el('article', 'machine');
    const button = el('button', 'summary');
    button.type = 'button';
    button.setAttribute('aria-expanded', 'false');
    const dot = el('span', 'dot');
    dot.setAttribute('aria-hidden', 'true');
    const power = el('span', 'power');
    power.append('should be ', el('b'), ' · is ', el('b'));
    button.append(dot, el('span', 'name'), el('span', 'id'), power, el('span', 'badges'), el('span', 'last-error'));
    cardTemplate.append(button);
  }
  return cardTemplate;
}

/** A card with empty parts; renderSummary fills them. */
export function createCard(entry) {
  const card = template().cloneNode(true);
  const button = card.firstChild;
  const [dot, name, id, power, badges, lastError] = button.children;
  card.dataset.id = entry.summary.id;
  id.textContent = entry.summary.id;
  const [desired, observed] = power.children;
  entry.card = card;
  entry.button = button;
  entry.parts = { dot, name, desired, observed, badges, lastError };
}

function groupCounts(entries) {
  const counts = { machines: 0, on: 0, failing: 0, blocked: 0, override: 0, maintenance: 0 };
  for (const entry of entries) {
    counts.machines++;
    if (entry.view.observed === 'on') counts.on++;
    if (entry.view.health === 'failing') counts.failing++;
    if (entry.view.health === 'blocked') counts.blocked++;
    if (entry.view.mode === 'override') counts.override++;
    if (entry.view.mode === 'maintenance') counts.maintenance++;
  }
  return counts;
}

/** "7 machines · 5 on · 1 failing · 1 forced · 1 in maintenance" as nodes, failing in red. */
export function countsNodes(entries) {
  const counts = groupCounts(entries);
  const nodes = [el('b', '', String(counts.machines)), counts.machines === 1 ? ' machine' : ' machines', ' · ', el('b', '', String(counts.on)), ' on'];
  if (counts.failing) nodes.push(' · ', el('b', 'bad', `${counts.failing} failing`));
  if (counts.blocked) nodes.push(` · ${counts.blocked} blocked`);
  if (counts.override) nodes.push(` · ${counts.override} forced`);
  if (counts.maintenance) nodes.push(` · ${counts.maintenance} in maintenance`);
  return nodes;
}

/**
 * Blocked machines under the failing machine that blocks them, one line per root: `pdu-01 blocks
 * 12: amp-01, player-02, ...`. A PDU that dies is one line here and one red card, not thirty.
 */
export function renderBlocked(section, entries) {
  const byRoot = new Map();
  for (const entry of entries) {
    if (entry.view.health !== 'blocked') continue;
    for (const root of entry.view.held?.blockedBy ?? []) byRoot.set(root, [...(byRoot.get(root) ?? []), entry.summary.id]);
  }
  const lines = [...byRoot.entries()].sort(([a], [b]) => byNumber(a, b)).map(([root, ids]) => {
    const line = el('li');
    line.dataset.root = root;
    line.append(el('b', 'bad', root), ` blocks ${ids.length}: `, el('span', 'blocked-ids', ids.sort(byNumber).join(', ')));
    return line;
  });
  section.hidden = lines.length === 0;
  section.replaceChildren(el('h2', '', 'Blocked by a failing machine'), el('ul', '', undefined));
  section.lastChild.append(...lines);
}

/**
 * The grouped layout: sections sorted by zone, cards sorted by id inside each. Changes touch
 * only the groups they concern.
 */
export function createLayout(root) {
  const groups = new Map();

  const sectionOf = (name) => {
    let group = groups.get(name);
    if (!group) {
      const section = el('section', 'group');
      section.dataset.group = name;
      const header = el('header');
      const counts = el('span', 'counts');
      header.append(el('h2', '', name), counts);
      const list = el('div', 'machines');
      section.append(header, list);
      group = { name, section, counts, list, entries: new Set(), unsorted: false };
      groups.set(name, group);
    }
    return group;
  };

  return {
    /** Puts the entry's card into its group (moving it if the group changed). */
    place(entry) {
      const name = entry.summary.group ?? NO_GROUP;
      if (entry.group?.name === name) return entry.group;
      entry.group?.entries.delete(entry);
      const group = sectionOf(name);
      group.entries.add(entry);
      group.unsorted = true;
      entry.group = group;
      return group;
    },
    remove(entry) {
      entry.group?.entries.delete(entry);
      entry.card.remove();
    },
    /** Re-sorts and recounts the given groups, drops empty ones, keeps sections in order. */
    refresh(touched) {
      let sectionsChanged = false;
      const columns = Math.max(1, Math.floor(window.innerWidth / CARD_WIDTH_PX));
      for (const group of touched) {
        if (group.entries.size === 0) {
          group.section.remove();
          groups.delete(group.name);
          continue;
        }
        if (group.unsorted) {
          const cards = [...group.entries].sort((a, b) => byNumber(a.summary.id, b.summary.id)).map((entry) => entry.card);
          group.list.append(...cards);
          group.unsorted = false;
        }
        group.counts.replaceChildren(...countsNodes(group.entries));
        group.section.style.setProperty('--rows', String(Math.ceil(group.entries.size / columns)));
        group.section.hidden = ![...group.entries].some((entry) => !entry.card.hidden);
        if (!group.section.isConnected) sectionsChanged = true;
      }
      if (sectionsChanged) {
        const sorted = [...groups.values()].sort((a, b) => byNumber(a.name, b.name));
        root.append(...sorted.map((group) => group.section));
      }
    },
    groups: () => [...groups.values()],
  };
}
