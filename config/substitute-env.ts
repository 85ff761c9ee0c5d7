const REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

export interface UnresolvedReference {
  line: number;
  message: string;
}

/**
 * Replaces `${NAME}` and `${NAME:-default}` in a configuration file's text with environment
 * values, so one file serves several sites or test runs (addresses, ports, the tick).
 * Credentials do not belong here: substituted values become configuration and so enter workflow
 * history; use `{ secret: NAME }` references for them.
 */
export function substituteEnvironment(
  text: string,
  env: NodeJS.ProcessEnv,
): { text: string; unresolved: UnresolvedReference[] } {
  const unresolved: UnresolvedReference[] = [];
  const lines = text.split('\n').map((line, index) =>
    line.replace(REFERENCE, (reference, name: string, fallback: string | undefined) => {
      const value = env[name];
      if (value !== undefined && value !== '') return value;
      if (fallback !== undefined) return fallback;
      unresolved.push({ line: index + 1, message: `${reference}: environment variable ${name} is not set and has no default` });
      return reference;
    }),
  );
  return { text: lines.join('\n'), unresolved };
}
