import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../config/errors';
import { loadVenueConfig } from '../../config/load';
import { createSecretResolver, SecretMissingError, secretEnvName, secretRefsOf } from '../../config/secrets';

const directory = mkdtempSync(join(tmpdir(), 'venue-secrets-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

function secretsFile(name: string, content: string): string {
  const file = join(directory, name);
  writeFileSync(file, content);
  return file;
}

function thrownBy(action: () => unknown): Error {
  try {
    action();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}

describe('createSecretResolver', () => {
  it('when the environment has SHOWCTL_SECRET_<NAME>, then that value is used', () => {
    const resolve = createSecretResolver({ env: { SHOWCTL_SECRET_GALLERY_PJLINK: 'from-env' } });
    expect(resolve({ secret: 'GALLERY_PJLINK' })).toBe('from-env');
  });

  it('when a name has lowercase letters or punctuation, then the variable name is upper-cased with "_"', () => {
    expect(secretEnvName('gallery-pjlink.v2')).toBe('SHOWCTL_SECRET_GALLERY_PJLINK_V2');
    const resolve = createSecretResolver({ env: { SHOWCTL_SECRET_GALLERY_PJLINK_V2: 'mapped' } });
    expect(resolve({ secret: 'gallery-pjlink.v2' })).toBe('mapped');
  });

  it('when the secret is in the secrets file, then the value is read from there, quoted numbers kept as text', () => {
    const file = secretsFile('plain.yaml', 'GALLERY_PJLINK: "0123"\nPLAYER_TOKEN: abc.def\n');
    const resolve = createSecretResolver({ env: {}, secretsFile: file });
    expect(resolve({ secret: 'GALLERY_PJLINK' })).toBe('0123');
    expect(resolve({ secret: 'PLAYER_TOKEN' })).toBe('abc.def');
  });

  it('when SHOWCTL_SECRETS_FILE names the file, then it is used without an explicit option', () => {
    const file = secretsFile('from-env.yaml', 'PLAYER_TOKEN: via-env-path\n');
    expect(createSecretResolver({ env: { SHOWCTL_SECRETS_FILE: file } })({ secret: 'PLAYER_TOKEN' })).toBe('via-env-path');
  });

  it('when both have the secret, then the environment wins', () => {
    const file = secretsFile('both.yaml', 'PLAYER_TOKEN: from-file\n');
    const resolve = createSecretResolver({ env: { SHOWCTL_SECRET_PLAYER_TOKEN: 'from-env' }, secretsFile: file });
    expect(resolve({ secret: 'PLAYER_TOKEN' })).toBe('from-env');
  });

  it('when the secret is nowhere, then SecretMissingError names it and where it looked, without any value', () => {
    const file = secretsFile('other.yaml', 'OTHER: s3cr3t-value\n');
    const error = thrownBy(() => createSecretResolver({ env: { SHOWCTL_SECRET_OTHER: 'env-value' }, secretsFile: file })({ secret: 'GALLERY_PJLINK' }));
    expect(error).toBeInstanceOf(SecretMissingError);
    expect(error.name).toBe('SecretMissingError');
    expect(error.message.replace(file, '<file>')).toMatchInlineSnapshot(`"secret "GALLERY_PJLINK" is not set: looked for environment variable SHOWCTL_SECRET_GALLERY_PJLINK, then key "GALLERY_PJLINK" in <file>"`);
    expect(error.message).not.toMatch(/s3cr3t-value|env-value/);
  });

  it('when there is no secrets file and the variable is empty, then the message says no file is configured', () => {
    const error = thrownBy(() => createSecretResolver({ env: { SHOWCTL_SECRET_PLAYER_TOKEN: '' } })({ secret: 'PLAYER_TOKEN' }));
    expect(error).toBeInstanceOf(SecretMissingError);
    expect(error.message).toMatchInlineSnapshot(`"secret "PLAYER_TOKEN" is not set: looked for environment variable SHOWCTL_SECRET_PLAYER_TOKEN (set but empty), no secrets file (SHOWCTL_SECRETS_FILE is not set)"`);
  });

  it('when the secrets file has a value that is not text, then creation fails naming the key but not the value', () => {
    const file = secretsFile('numbers.yaml', 'GOOD: text\nPIN: 4711\nFLAG: true\n');
    const error = thrownBy(() => createSecretResolver({ env: {}, secretsFile: file }));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message.replaceAll(file, '<file>')).toMatchInlineSnapshot(`
      "<file>:2:1: PIN: expected the value as text; quote it if it looks like a number or true/false
      <file>:3:1: FLAG: expected the value as text; quote it if it looks like a number or true/false"
    `);
    expect(error.message).not.toContain('4711');
  });

  it('when the secrets file is not valid YAML, then the error gives the position without quoting the file', () => {
    const file = secretsFile('broken.yaml', 'GOOD: text\nBAD: "unterminated s3cr3t\n');
    const error = thrownBy(() => createSecretResolver({ env: {}, secretsFile: file }));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message.replaceAll(file, '<file>')).toMatchInlineSnapshot(`"<file>:3:1: invalid YAML: missing char"`);
    expect(error.message).not.toContain('s3cr3t');
  });

  it('when the secrets file does not exist, then creation fails with a ConfigError', () => {
    const file = join(directory, 'absent.yaml');
    expect(() => createSecretResolver({ env: {}, secretsFile: file })).toThrow(`${file}: cannot read the secrets file (ENOENT)`);
  });
});

describe('secretRefsOf', () => {
  it('when machines refer to secrets in drivers, probes and off commands, then each name is listed once, sorted', () => {
    const { machines } = loadVenueConfig(join(__dirname, '../../config/example-venue.yaml'));
    expect(secretRefsOf(machines)).toEqual(['EVENT_HALL_PJLINK', 'GALLERY_PDU_COMMUNITY', 'GALLERY_PJLINK', 'PC_AGENT_TOKEN', 'PDU_B2_AUTH', 'PDU_B2_PRIV', 'PLAYER_TOKEN']);
  });
});
