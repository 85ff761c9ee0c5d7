import { describe, expect, it } from 'vitest';
import { parseVenueConfig } from '../../config/load';
import { rejectionOf } from './rejection';

function venue(readiness: string): string {
  return [
    'venue: { name: Test venue, timezone: Europe/London }',
    'schedules:',
    '  opening-hours: { daily: ["10:00-18:00"], weekly: { monday: [] } }',
    '  always: { daily: ["00:00-24:00"] }',
    'machines:',
    '  - { id: proj-01, schedule: always, address: 127.0.0.1, driver: { type: pjlink } }',
    readiness,
  ].join('\n');
}

describe('readiness reports in the venue file', () => {
  it('when only the opening hours are named, then the reports run 20 minutes before each opening and 15 after each closing, read in the venue time zone without lead or lag', () => {
    const { readiness } = parseVenueConfig(venue('readiness: { schedule: opening-hours }'), 'venue.yaml');
    expect(readiness).toMatchObject({
      venue: { name: 'Test venue', timezone: 'Europe/London' },
      beforeMs: 20 * 60_000,
      afterClosingMs: 15 * 60_000,
      recheckAfterMs: 60_000,
      schedule: { name: 'opening-hours', timezone: 'Europe/London', leadMs: 0, lagMs: 0, weekly: { monday: [], tuesday: ['10:00-18:00'] } },
    });
  });

  it('when the venue file has no readiness section, then there are no reports', () => {
    expect(parseVenueConfig(venue(''), 'venue.yaml').readiness).toBeUndefined();
  });

  it('when the opening hours name no schedule of the file, then the line says which exist', () => {
    expect(rejectionOf(venue('readiness: { schedule: museum }'))).toBe(
      'config/venue.yaml:7:14: readiness.schedule: unknown schedule "museum"; declared schedules: opening-hours, always',
    );
  });

  it('when the check would run less than a minute before the opening, then the line says the least', () => {
    expect(rejectionOf(venue('readiness: { schedule: opening-hours, before: 30s }'))).toBe('config/venue.yaml:7:39: readiness.before: expected a duration from 1m to 12h, got "30s"');
  });
});
