import { describe, expect, it } from 'vitest';
import { parseVenueConfig } from '../../config/load';
import { substituteEnvironment } from '../../config/substitute-env';

describe('environment references in the venue file', () => {
  it('when a variable is set, then its value replaces the reference', () => {
    expect(substituteEnvironment('port: ${PJ_PORT:-4352}', { PJ_PORT: '14352' }).text).toBe('port: 14352');
  });

  it('when a variable is unset or empty, then the default applies', () => {
    expect(substituteEnvironment('tick: ${TICK:-1m}', { TICK: '' }).text).toBe('tick: 1m');
  });

  it('when a variable without default is unset, then the venue error names the file, the line and the variable', () => {
    expect(() => parseVenueConfig('venue:\n  name: ${SITE_NAME}\n', 'venue.yaml', {})).toThrow(
      'venue.yaml:2: ${SITE_NAME}: environment variable SITE_NAME is not set and has no default',
    );
  });
});
