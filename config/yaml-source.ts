/** Parses a YAML configuration file, keeping the positions needed to point at problems. */
import { type Document, isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import { ConfigError, type ConfigProblem } from './errors';
import type { Locate } from './issues';

/** One syntax error derails the parser for the rest of the file; the first few are the useful ones. */
const MAX_SYNTAX_ERRORS = 5;

export interface YamlSource {
  data: unknown;
  locate: Locate;
}

/**
 * Throws ConfigError naming line and column of the first syntax errors. With quoteSource false
 * the messages leave out the parser's text, which may quote the file (a secret, say).
 */
export function parseYamlSource(text: string, fileLabel: string, { quoteSource = true } = {}): YamlSource {
  const lineCounter = new LineCounter();
  // YAML 1.2 (the default) keeps `on`, `off` and dates as text; `<<` merge keys let machines share a driver block.
  const document = parseDocument(text, { lineCounter, prettyErrors: false, merge: true });
  if (document.errors.length > 0) {
    const problems: ConfigProblem[] = document.errors.slice(0, MAX_SYNTAX_ERRORS).map((error) => {
      const { line, col } = lineCounter.linePos(error.pos[0]);
      const reason = quoteSource ? error.message : error.code.toLowerCase().replaceAll('_', ' ');
      return { path: '', line, column: col, message: `invalid YAML: ${reason}` };
    });
    const notShown = document.errors.length - problems.length;
    if (notShown > 0) problems.push({ path: '', message: `${notShown} more YAML errors, probably caused by the ones above` });
    throw new ConfigError(fileLabel, problems);
  }
  let data: unknown;
  try {
    data = document.toJS();
  } catch (error) {
    // Unresolvable aliases surface only when the document is converted.
    throw new ConfigError(fileLabel, [{ path: '', message: `invalid YAML: ${(error as Error).message}` }]);
  }
  return { data, locate: (path) => locateIn(document, lineCounter, path) };
}

/** The position of the deepest existing node on the path: the key of a map entry, or the item of a list. */
function locateIn(document: Document, lineCounter: LineCounter, path: readonly PropertyKey[]) {
  let node: unknown = document.contents;
  let offset = rangeStart(node);
  for (const segment of path) {
    if (isAlias(node)) node = node.resolve(document);
    if (isMap(node)) {
      const entry = node.items.find((pair) => isScalar(pair.key) && String(pair.key.value) === String(segment));
      if (!entry) break;
      offset = rangeStart(entry.key) ?? offset;
      node = entry.value;
    } else if (isSeq(node) && typeof segment === 'number') {
      node = node.items[segment];
      offset = rangeStart(node) ?? offset;
    } else {
      break;
    }
  }
  if (offset === undefined) return undefined;
  const { line, col } = lineCounter.linePos(offset);
  return { line, column: col };
}

function rangeStart(node: unknown): number | undefined {
  const range = (node as { range?: [number, number, number] | null } | null | undefined)?.range;
  return range?.[0];
}
