/** Turns zod issues into problems an operator can act on: where, what was expected, what was found. */
import type { z } from 'zod';
import type { ConfigProblem } from './errors';

type Issue = z.core.$ZodIssue;
type Path = readonly PropertyKey[];

/** Finds the line and column of a path in the source document, as near as it exists. */
export type Locate = (path: Path) => { line: number; column: number } | undefined;

const TYPE_NAMES: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'an integer',
  boolean: 'true or false',
  object: 'a map',
  record: 'a map',
  array: 'a list',
};

/**
 * Params of a custom issue whose message stands alone: its input is a whole map, or may be
 * a password typed in by mistake, and must not be echoed.
 */
export const OMIT_INPUT = { omitInput: true } as const;

/** Messages for the issues whose schema gives none of its own. */
export const expectationOf: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${TYPE_NAMES[issue.expected] ?? issue.expected}`;
    case 'invalid_value':
      return issue.values.length === 1 ? `expected ${String(issue.values[0])}` : `expected one of ${issue.values.map(String).join(', ')}`;
    case 'invalid_union':
      return 'options' in issue && Array.isArray(issue.options) ? `expected one of ${issue.options.map(String).join(', ')}` : undefined;
    case 'too_small':
      return issue.origin === 'array' ? `expected at least ${String(issue.minimum)} entries` : `expected at least ${String(issue.minimum)}`;
    case 'too_big':
      return issue.origin === 'array' ? `expected at most ${String(issue.maximum)} entries` : `expected at most ${String(issue.maximum)}`;
    default:
      return undefined;
  }
};

/** Problems in the order they appear in the file, so they can be fixed top to bottom. */
export function problemsFromIssues(issues: readonly Issue[], locate: Locate): ConfigProblem[] {
  return issues
    .flatMap((issue) => explain(issue, []))
    .map(({ path, message }): ConfigProblem => ({ path: formatPath(path), message, ...locate(path) }))
    .sort((a, b) => (a.line ?? Infinity) - (b.line ?? Infinity) || (a.column ?? 0) - (b.column ?? 0));
}

interface Explained {
  path: Path;
  message: string;
}

function explain(issue: Issue, parentPath: Path): Explained[] {
  const path = [...parentPath, ...issue.path];
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.length === 1 ? [{ path: [...path, ...issue.keys], message: issue.message }] : [{ path, message: issue.message }];
    case 'invalid_union':
      return explainUnion(issue, path);
    case 'invalid_key':
      return [{ path, message: withFound(issue.issues[0]?.message ?? issue.message, issue.input) }];
    case 'custom':
      return [{ path, message: issue.params?.['omitInput'] ? issue.message : withFound(issue.message, issue.input) }];
    default:
      return [{ path, message: withFound(issue.message, issue.input) }];
  }
}

function explainUnion(issue: z.core.$ZodIssueInvalidUnion, path: Path): Explained[] {
  if (issue.discriminator !== undefined) {
    const value = (issue.input as Record<string, unknown> | undefined)?.[issue.discriminator];
    return [{ path, message: withFound(issue.message, value) }];
  }
  // A branch with no complaint about the value as a whole is the one the author meant; report its details.
  const intended = issue.errors.filter((branch) => branch.every((branchIssue) => branchIssue.path.length > 0));
  const [onlyIntended] = intended;
  if (intended.length === 1 && onlyIntended) return onlyIntended.flatMap((branchIssue) => explain(branchIssue, path));
  return [{ path, message: withFound(issue.message, issue.input) }];
}

/** YAML has no undefined, so an undefined input is a key that is not there. */
function withFound(message: string, input: unknown): string {
  return input === undefined ? `missing, ${message}` : `${message}, got ${describe(input)}`;
}

function describe(value: unknown): string {
  if (value === null) return 'an empty value';
  if (Array.isArray(value)) return value.length === 0 ? 'an empty list' : 'a list';
  if (typeof value === 'object') return 'a map';
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  return String(value);
}

/** The candidates a name may be a typo of, closest first. */
export function similarNames(name: string, candidates: readonly string[]): string[] {
  // Short names are too alike ("on", "id") for two edits to mean a typo.
  const maxEdits = name.length <= 4 ? 1 : 2;
  return candidates
    .map((candidate) => ({ candidate, edits: editDistance(candidate.toLowerCase(), name.toLowerCase()) }))
    .filter(({ edits }) => edits <= maxEdits)
    .sort((a, b) => a.edits - b.edits)
    .map(({ candidate }) => candidate);
}

function editDistance(a: string, b: string): number {
  let previousRow = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previousRow[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      row.push(Math.min((previousRow[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, substitution));
    }
    previousRow = row;
  }
  return previousRow[b.length] ?? 0;
}

const LISTED_NAMES = 12;

/** `declared groups: audio, projectors`, the tail of a message about a name that is not declared. */
export function declaredNames(what: string, names: readonly string[]): string {
  if (names.length === 0) return `no ${what} are declared`;
  const listed = names.slice(0, LISTED_NAMES).join(', ');
  return `declared ${what}: ${names.length > LISTED_NAMES ? `${listed} and ${names.length - LISTED_NAMES} more` : listed}`;
}

/** `machines[3].driver.port` */
export function formatPath(path: Path): string {
  return path
    .map((segment, index) => (typeof segment === 'number' ? `[${segment}]` : `${index === 0 ? '' : '.'}${String(segment)}`))
    .join('');
}
