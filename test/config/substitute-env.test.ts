import { describe, expect, it } from 'vitest';
import { substituteEnvironment } from '../../config/substitute-env';

describe('environment references in the venue file', () => {
  it('when a variable is set, then its value replaces the reference', () => {
    expect(substituteEnvironment('port: ${PJ_PORT:-4352}', 'venue.yaml', { PJ_PORT: '14352' })).toBe('port: 14352');
  });

  it('when a variable is unset or empty, then the default applies', () => {
    expect(substituteEnvironment('tick: ${TICK:-1m}', 'venue.yaml', { TICK: '' })).toBe('tick: 1m');
  });

  it('when a variable without default is unset, then the error names the file, the line and the variable', () => {
    expect(() => substituteEnvironment('a: 1\nhost: ${SITE_HOST}', 'venue.yaml', {})).toThrow(
      'venue.yaml:2: ${SITE_HOST}: environment variable SITE_HOST is not set and has no default',
    );
  });
});
