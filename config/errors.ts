/** One thing wrong in a configuration file, located as precisely as the file allows. */
export interface ConfigProblem {
  /** Dotted path into the document, e.g. `machines[3].driver.port`; empty for the file as a whole. */
  path: string;
  message: string;
  /** 1-based position in the file, when known. */
  line?: number;
  column?: number;
}

/** The file cannot be used; the message lists every problem found, one per line. */
export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly problems: ConfigProblem[],
  ) {
    super(problems.map((problem) => formatProblem(file, problem)).join('\n'));
    this.name = 'ConfigError';
  }
}

/** `file:line:column: path: message`, the form editors and terminals turn into links. */
export function formatProblem(file: string, problem: ConfigProblem): string {
  const position = problem.line === undefined ? '' : `:${problem.line}${problem.column === undefined ? '' : `:${problem.column}`}`;
  return [`${file}${position}`, problem.path, problem.message].filter((part) => part !== '').join(': ');
}

/**
 * A file a process setting names and the process cannot read: the problem, and the setting to
 * fix it with (each file has one: VENUE_CONFIG, SHOWCTL_SECRETS_FILE).
 */
export function unreadableFileError(file: string, what: string, error: unknown, fix: string): ConfigError {
  const code = (error as NodeJS.ErrnoException).code ?? String(error);
  return new ConfigError(file, [{ path: '', message: `cannot read the ${what} (${code}): ${fix}` }]);
}
