/**
 * Reads the venue file once at start. Everything after this point works with the
 * normalised VenueConfig and never looks at the file again.
 */
import { readFileSync } from 'node:fs';
import { ConfigError, unreadableFileError } from './errors';
import { expectationOf, problemsFromIssues } from './issues';
import { toVenueConfig, type VenueConfig } from './normalise';
import { venueFileSchema } from './schema';
import { substituteEnvironment } from './substitute-env';
import { parseYamlSource } from './yaml-source';

export type { VenueConfig } from './normalise';

/** Throws ConfigError listing every problem, each with file, line, path and what is wrong. */
export function loadVenueConfig(file: string, env: NodeJS.ProcessEnv = process.env): VenueConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw unreadableFileError(file, 'venue file', error, "set VENUE_CONFIG to the venue file's path");
  }
  return parseVenueConfig(text, file, env);
}

/** fileLabel names the source in messages and in VenueConfig.file; `${NAME:-default}` come from env. */
export function parseVenueConfig(text: string, fileLabel: string, env: NodeJS.ProcessEnv = process.env): VenueConfig {
  const substituted = substituteEnvironment(text, env);
  if (substituted.unresolved.length > 0) {
    throw new ConfigError(fileLabel, substituted.unresolved.map(({ line, message }) => ({ path: '', line, message })));
  }
  const { data, locate } = parseYamlSource(substituted.text, fileLabel);
  const result = venueFileSchema.safeParse(data, { reportInput: true, error: expectationOf });
  if (!result.success) throw new ConfigError(fileLabel, problemsFromIssues(result.error.issues, locate));
  return toVenueConfig(result.data, fileLabel);
}
