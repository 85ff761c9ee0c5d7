import { describe, expect, it } from 'vitest';
import { parseVenueConfig } from '../../config/load';
import { rejectionOf } from './rejection';

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

describe('aspects and scenes in the venue file', () => {
  it('when a group, a machine and a window name scenes, then each machine gets its layers and every scene as it applies to it', () => {
    const config = parseVenueConfig(
      venue({
        schedule: '["10:00-18:00", { hours: "18:00-22:00", scene: evening }]',
        scenes: ['  museum: { input: HDMI1, mute: false }', '  evening: { input: HDMI2 }'],
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
    expect(rejectionOf(venue({ group: 'scene: gala' }))).toMatchInlineSnapshot(`"config/venue.yaml:7:35: groups.projectors.scene: unknown scene "gala"; declared scenes: museum"`);
    expect(rejectionOf(venue({ schedule: '[{ hours: "18:00-22:00", scene: gala }]' }))).toMatchInlineSnapshot(`"config/venue.yaml:3:45: schedules.museum.daily[0].scene: unknown scene "gala"; declared scenes: museum"`);
  });

  it('when a machine names an aspect its driver lacks, then the message lists the aspects it has', () => {
    expect(rejectionOf(venue({ machine: 'aspects: { volume: 60 }' }))).toMatchInlineSnapshot(`"config/venue.yaml:9:70: machines[0].aspects.volume: the pjlink driver has no aspect "volume"; it has input, mute"`);
  });

  it('when a scene names an aspect no machine has, then it is an error at the scene', () => {
    expect(rejectionOf(venue({ scenes: ['  museum: { input: HDMI1, brightness: 80 }'] }))).toMatchInlineSnapshot(`"config/venue.yaml:5:27: scenes.museum.brightness: no machine of the venue has an aspect "brightness"; the venue has input, mute"`);
  });

  it('when a scene a machine takes has a value its driver cannot set, then the message names the machine and what it expects', () => {
    expect(rejectionOf(venue({ scenes: ['  museum: { input: HDMI9 }'], group: 'scene: museum' }))).toMatchInlineSnapshot(`"config/venue.yaml:5:13: scenes.museum.input: proj-01 cannot set input to "HDMI9": expected one of HDMI1, HDMI2, 31, 32"`);
    expect(rejectionOf(venue({ machine: 'aspects: { mute: "yes" }' }))).toMatchInlineSnapshot(`"config/venue.yaml:9:70: machines[0].aspects.mute: proj-01 cannot set mute to "yes": expected true or false"`);
  });

  it('when one window is given two scenes in a schedule, then the second is an error', () => {
    const schedule = '[{ hours: "18:00-22:00", scene: museum }]';
    const text = venue({ schedule }).replace(`museum: { daily: ${schedule} }`, `museum: { daily: ${schedule}, weekly: { friday: [{ hours: "18:00-22:00", scene: evening }] } }`);
    expect(rejectionOf(text.replace('scenes:\n', 'scenes:\n  evening: { mute: true }\n'))).toMatchInlineSnapshot(`"config/venue.yaml:3:106: schedules.museum.weekly.friday[0].scene: window 18:00-22:00 already has scene "museum" in this schedule; a window has one scene"`);
  });

  it('when a declared aspect of an http driver lacks its range, then the message says what is missing', () => {
    const driver = '{ type: http, probe: { method: GET, path: /p, read: status, states: { on: ["200"], off: ["503"] } }, on: { method: POST, path: /on }, off: { method: POST, path: /off }, aspects: { volume: { type: number, read: { method: GET, path: /v, read: { json: volume } }, set: { method: PUT, path: "/v/{value}" } } } }';
    expect(rejectionOf(venue({ scenes: [], driver }).replace('scenes:\n', ''))).toMatchInlineSnapshot(`
      "config/venue.yaml:7:247: machines[0].driver.aspects.volume.min: missing, expected a number
      config/venue.yaml:7:247: machines[0].driver.aspects.volume.max: missing, expected a number"
    `);
  });

  it('when a projector\'s input names a code PJLink does not have, or telemetry is asked too often, then each is reported', () => {
    const text = venue({ scenes: [], driver: '{ type: pjlink, inputs: { HDMI1: "3", HDMI2: 32 } }' }).replace('scenes:\n', 'controller: { telemetryInterval: 10s }\n');
    expect(rejectionOf(text)).toMatchInlineSnapshot(`
      "config/venue.yaml:4:15: controller.telemetryInterval: expected a duration of at least 1m, got "10s"
      config/venue.yaml:8:93: machines[0].driver.inputs.HDMI1: expected a PJLink input code: a type digit then a number, e.g. "31", got "3"
      config/venue.yaml:8:105: machines[0].driver.inputs.HDMI2: expected an input code as text, e.g. "31", got 32"
    `);
  });

  it('when a scene an unnamed machine cannot fully take is forced by an override, then it takes only what it can set', () => {
    const config = parseVenueConfig(
      venue({ scenes: ['  museum: { input: HDMI1 }', '  laptop: { input: "11", mute: true }'], group: 'scene: museum' }),
      'venue.yaml',
    );
    expect(config.machines[0]?.aspects?.scenes.laptop).toEqual({ mute: true });
  });
});
