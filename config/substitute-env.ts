import { ConfigError, type ConfigProblem } from './errors';

const REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/**
 * Replaces `${NAME}` and `${NAME:-default}` in the venue file's text with environment values, so
 * one file serves several sites or test runs (addresses, ports, the tick). Credentials do not
 * belong here: substituted values become configuration and so enter workflow history; use
 * `{ secret: NAME }` references for them.
 */
export function substituteEnvironment(text: string, fileLabel: string, env: NodeJS.ProcessEnv): string {
  const problems: ConfigProblem[] = [];
  const lines = text.split('\n').map((line, index) =>
    line.replace(REFERENCE, (reference, name: string, fallback: string | undefined) => {
      const value = env[name];
      if (value !== undefined && value !== '') return value;
      if (fallback !== undefined) return fallback;
      problems.push({ path: '', line: index + 1, message: `${reference}: environment variable ${name} is not set and has no default` });
      return reference;
    }),
  );
  if (problems.length > 0) throw new ConfigError(fileLabel, problems);
  return lines.join('\n');
}
