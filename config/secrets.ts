/**
 * Credentials by name, resolved on the worker only: the venue file and everything that
 * travels through Temporal hold a SecretRef, never a value.
 */
import { readFileSync } from 'node:fs';
import type { SecretResolver } from '../activities/drivers/shared/spec';
import { driverSecretRefs } from '../activities/drivers/specs';
import { SECRET_MISSING } from '../domain/device-failures';
import type { MachineSpec } from '../domain/types';
import { ConfigError, unreadableFileError } from './errors';
import { parseYamlSource } from './yaml-source';

const ENV_PREFIX = 'SHOWCTL_SECRET_';
export const SECRETS_FILE_ENV = 'SHOWCTL_SECRETS_FILE';

/** Non-retryable (domain/device-failures.ts): a missing secret stays missing until the worker restarts. */
export class SecretMissingError extends Error {
  constructor(
    readonly secretName: string,
    whereLooked: string,
  ) {
    super(`secret "${secretName}" is not set: looked for ${whereLooked}`);
    this.name = SECRET_MISSING;
  }
}

export interface SecretResolverOptions {
  env?: NodeJS.ProcessEnv;
  /** YAML map of secret name to value; defaults to $SHOWCTL_SECRETS_FILE. */
  secretsFile?: string;
}

/** `gallery-pjlink` -> `SHOWCTL_SECRET_GALLERY_PJLINK` */
export function secretEnvName(name: string): string {
  return ENV_PREFIX + name.toUpperCase().replace(/[^A-Z0-9]/g, '_');
}

/**
 * Looks in the environment first, then in the secrets file, which is read once, here,
 * so that a broken file stops the worker at start rather than at the first device call.
 */
export function createSecretResolver(options: SecretResolverOptions = {}): SecretResolver {
  const env = options.env ?? process.env;
  const secretsFile = options.secretsFile ?? env[SECRETS_FILE_ENV];
  const fileSecrets = secretsFile === undefined ? undefined : readSecretsFile(secretsFile);
  return ({ secret: name }) => {
    const envName = secretEnvName(name);
    // An empty value is a mistake (an unfilled template), never a usable credential.
    const value = env[envName] || fileSecrets?.get(name);
    if (value) return value;
    const inEnv = `environment variable ${envName}${env[envName] === '' ? ' (set but empty)' : ''}`;
    const inFile = secretsFile === undefined ? `, no secrets file (${SECRETS_FILE_ENV} is not set)` : `, then key "${name}" in ${secretsFile}`;
    throw new SecretMissingError(name, inEnv + inFile);
  };
}

function readSecretsFile(file: string): Map<string, string> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw unreadableFileError(file, 'secrets file', error, `set ${SECRETS_FILE_ENV} to the secrets file's path, or unset it`);
  }
  const { data, locate } = parseYamlSource(text, file, { quoteSource: false });
  if (data === null) return new Map();
  if (typeof data !== 'object' || Array.isArray(data)) {
    throw new ConfigError(file, [{ path: '', message: 'expected a map of secret names to values' }]);
  }
  const entries = Object.entries(data as Record<string, unknown>);
  // Values are never echoed: a message names the key and its position only.
  const problems = entries
    .filter(([, value]) => typeof value !== 'string')
    .map(([name]) => ({ path: name, message: 'expected the value as text; quote it if it looks like a number or true/false', ...locate([name]) }));
  if (problems.length > 0) throw new ConfigError(file, problems);
  return new Map(entries as [string, string][]);
}

/** Every secret name the machines refer to, sorted, so the worker can check them all at start. */
export function secretRefsOf(machines: readonly MachineSpec[]): string[] {
  const names = new Set<string>();
  for (const { driver } of machines) {
    for (const ref of driverSecretRefs(driver)) names.add(ref.secret);
  }
  return [...names].sort();
}
