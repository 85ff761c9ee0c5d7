import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../config/errors';
import { parseVenueConfig } from '../../config/load';

const PROJECTOR = '{ type: pjlink, inputs: { HDMI1: "31", HDMI2: "32" } }';

/** A venue of one projector group and one projector; `extra` lines go after `groups:`. */
function venue(options: { schedule?: string; scenes?: string[]; group?: string; machine?: string; driver?: string }): string {
  return [
    'venue: { name: Test venue, timezone: Europe/London }',
    'schedules:',
    `  museum: { daily: ${options.schedule ?? '["10:00-18:00"]'} }`,
    'scenes:',
    ...(options.scenes ?? ['  museum: { input: HDMI1, mute: false }']),
    'groups:',
    `  projectors: { schedule: museum${options.group ? `, ${options.group}` : ''} }`,
    'machines:',
    `  - { id: proj-01, group: projectors, address: 127.0.0.1${options.machine ? `, ${options.machine}` : ''}, driver: ${options.driver ?? PROJECTOR} }`,
  ].join('\n');
}

function rejectionOf(text: string): string {
  try {
    parseVenueConfig(text, 'config/venue.yaml');
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error('expected the venue file to be rejected');
}

describe('aspects and scenes in the venue file', () => {
  it('when a group, a machine and a window name scenes, then each machine gets its layers and every scene as it applies to it', () => {
    const config = parseVenueConfig(
      venue({
        schedule: '["10:00-18:00", { hours: "18:00-22:00", scene: evening }]',
        scenes: ['  museum: { input: HDMI1, mute: false }', '  evening: { input: HDMI2, volume: 60 }'],
        group: 'scene: museum',
        machine: 'aspects: { mute: true }',
      }),
      'venue.yaml',
    );
    const [projector] = config.machines;
    expect(projector?.aspects).toEqual({ base: { input: 'HDMI1', mute: true }, scenes: { museum: { input: 'HDMI1', mute: false }, evening: { input: 'HDMI2' } } });
    expect(projector?.schedule.windowScenes).toEqual({ '18:00-22:00': 'evening' });
    expect(projector?.schedule.weekly.monday).toEqual(['10:00-18:00', '18:00-22:00']);
    expect(projector?.telemetryIntervalMs).toBe(3_600_000);
  });

  it('when nothing names an aspect, then the machine has no aspects and its spec is as before', () => {
    const config = parseVenueConfig(venue({ scenes: [] }).replace('scenes:\n', ''), 'venue.yaml');
    expect(config.machines[0]?.aspects).toBeUndefined();
  });

  it('when a scene does not exist, then the message names it and the declared ones', () => {
    expect(rejectionOf(venue({ group: 'scene: gala' }))).toMatchInlineSnapshot();
    expect(rejectionOf(venue({ schedule: '[{ hours: "18:00-22:00", scene: gala }]' }))).toMatchInlineSnapshot();
  });

  it('when a machine names an aspect its driver lacks, then the message lists the aspects it has', () => {
    expect(rejectionOf(venue({ machine: 'aspects: { volume: 60 }' }))).toMatchInlineSnapshot();
  });

  it('when a scene names an aspect no machine has, then it is an error at the scene', () => {
    expect(rejectionOf(venue({ scenes: ['  museum: { input: HDMI1, brightness: 80 }'] }))).toMatchInlineSnapshot();
  });

  it('when a scene a machine takes has a value its driver cannot set, then the message names the machine and what it expects', () => {
    expect(rejectionOf(venue({ scenes: ['  museum: { input: HDMI9 }'], group: 'scene: museum' }))).toMatchInlineSnapshot();
    expect(rejectionOf(venue({ machine: 'aspects: { mute: "yes" }' }))).toMatchInlineSnapshot();
  });

  it('when one window is given two scenes in a schedule, then the second is an error', () => {
    const schedule = '[{ hours: "18:00-22:00", scene: museum }]';
    const text = venue({ schedule }).replace(`museum: { daily: ${schedule} }`, `museum: { daily: ${schedule}, weekly: { friday: [{ hours: "18:00-22:00", scene: evening }] } }`);
    expect(rejectionOf(text.replace('scenes:\n', 'scenes:\n  evening: { mute: true }\n'))).toMatchInlineSnapshot();
  });

  it('when a declared aspect of an http driver lacks its range, then the message says what is missing', () => {
    const driver = '{ type: http, probe: { method: GET, path: /p, read: status, states: { on: ["200"], off: ["503"] } }, on: { method: POST, path: /on }, off: { method: POST, path: /off }, aspects: { volume: { type: number, read: { method: GET, path: /v, read: { json: volume } }, set: { method: PUT, path: "/v/{value}" } } } }';
    expect(rejectionOf(venue({ scenes: [], driver }).replace('scenes:\n', ''))).toMatchInlineSnapshot();
  });

  it('when a scene an unnamed machine cannot fully take is forced by an override, then it takes only what it can set', () => {
    const config = parseVenueConfig(
      venue({ scenes: ['  museum: { input: HDMI1 }', '  laptop: { input: "11", mute: true }'], group: 'scene: museum' }),
      'venue.yaml',
    );
    expect(config.machines[0]?.aspects?.scenes.laptop).toEqual({ mute: true });
  });
});
