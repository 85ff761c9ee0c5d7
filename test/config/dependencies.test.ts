import { describe, expect, it } from 'vitest';
import { parseVenueConfig } from '../../config/load';
import type { MachineSpec } from '../../domain/types';
import { rejectionOf } from './rejection';

/** A venue whose groups (from line 5) and machines (after `machines:`) are the given lines; `controller` goes last. */
function venue(options: { groups?: string[]; machines: string[]; controller?: string }): string {
  return [
    'venue: { name: Test venue, timezone: Europe/London }',
    'schedules:',
    '  museum: { daily: ["10:00-18:00"] }',
    'groups:',
    ...(options.groups ?? ['  audio: { schedule: museum }']),
    'machines:',
    ...options.machines,
    ...(options.controller ? [`controller: ${options.controller}`] : []),
  ].join('\n');
}

/** A machine line of group audio on a PJLink driver, with extra keys. */
function machine(id: string, extra = '', group = 'audio'): string {
  return `  - { id: ${id}, group: ${group}, address: 10.0.0.1, driver: { type: pjlink }${extra ? `, ${extra}` : ''} }`;
}

function byId(machines: MachineSpec[]): Record<string, MachineSpec | undefined> {
  return Object.fromEntries(machines.map((spec) => [spec.id, spec]));
}

const DEFAULT_SETTINGS = { waitMs: 120_000, onTimeout: 'proceed', recheckMs: 10_000 };

describe('dependsOn in the venue file', () => {
  it('when machines and groups name machines and groups, then each machine needs every machine they stand for, and is needed by the reverse', () => {
    const { machines } = parseVenueConfig(
      venue({
        groups: ['  core: { schedule: museum }', '  amplifiers: { schedule: museum, dependsOn: [core] }', '  audio: { schedule: museum }'],
        machines: [
          machine('switch-01', '', 'core'),
          machine('mixer-01', 'dependsOn: [switch-01]', 'core'),
          machine('amp-01', '', 'amplifiers'),
          machine('amp-02', 'dependsOn: [proj-01, mixer-01]', 'amplifiers'),
          machine('proj-01'),
          machine('sign-01'),
        ],
      }),
      'venue.yaml',
    );
    const specs = byId(machines);
    expect(specs['switch-01']?.dependencies).toEqual({ needs: [], neededBy: ['amp-01', 'amp-02', 'mixer-01'], ...DEFAULT_SETTINGS });
    expect(specs['mixer-01']?.dependencies).toEqual({ needs: ['switch-01'], neededBy: ['amp-01', 'amp-02'], ...DEFAULT_SETTINGS });
    expect(specs['amp-01']?.dependencies).toEqual({ needs: ['mixer-01', 'switch-01'], neededBy: [], ...DEFAULT_SETTINGS });
    expect(specs['amp-02']?.dependencies).toEqual({ needs: ['mixer-01', 'proj-01', 'switch-01'], neededBy: [], ...DEFAULT_SETTINGS });
    expect(specs['proj-01']?.dependencies).toEqual({ needs: [], neededBy: ['amp-02'], ...DEFAULT_SETTINGS });
    expect(specs['sign-01']).not.toHaveProperty('dependencies');
  });

  it('when a group depends on one of its own members, then the others need it and it does not need itself', () => {
    const { machines } = parseVenueConfig(
      venue({ groups: ['  audio: { schedule: museum, dependsOn: [mixer-01] }'], machines: [machine('mixer-01'), machine('amp-01')] }),
      'venue.yaml',
    );
    const specs = byId(machines);
    expect(specs['mixer-01']?.dependencies).toMatchObject({ needs: [], neededBy: ['amp-01'] });
    expect(specs['amp-01']?.dependencies).toMatchObject({ needs: ['mixer-01'], neededBy: [] });
  });

  it('when the controller gives the dependency settings, then every machine with dependencies has them', () => {
    const { machines } = parseVenueConfig(
      venue({ machines: [machine('mixer-01'), machine('amp-01', 'dependsOn: [mixer-01]')], controller: '{ dependencies: { wait: 5m, onTimeout: fail, recheck: 2s } }' }),
      'venue.yaml',
    );
    expect(machines.map((spec) => spec.dependencies)).toEqual([
      { needs: [], neededBy: ['amp-01'], waitMs: 300_000, onTimeout: 'fail', recheckMs: 2_000 },
      { needs: ['mixer-01'], neededBy: [], waitMs: 300_000, onTimeout: 'fail', recheckMs: 2_000 },
    ]);
  });

  it('when a name in dependsOn is unknown, then the message offers the close names, or lists the declared ones', () => {
    expect(rejectionOf(venue({ machines: [machine('mixer-01'), machine('amp-01', 'dependsOn: [mixer-1]')] }))).toMatchInlineSnapshot(`"config/venue.yaml:8:90: machines[1].dependsOn[0]: unknown machine or group "mixer-1"; did you mean "mixer-01"?"`);
    expect(rejectionOf(venue({ groups: ['  audio: { schedule: museum, dependsOn: [network] }'], machines: [machine('mixer-01')] }))).toMatchInlineSnapshot(`"config/venue.yaml:5:42: groups.audio.dependsOn[0]: unknown machine or group "network"; declared groups: audio; declared machines: mixer-01"`);
  });

  it('when a name is both a machine id and a group, then dependsOn naming it is an error', () => {
    expect(rejectionOf(venue({ groups: ['  audio: { schedule: museum }', '  mixer: {}'], machines: [machine('mixer'), machine('amp-01', 'dependsOn: [mixer]')] }))).toMatchInlineSnapshot(`"config/venue.yaml:9:90: machines[1].dependsOn[0]: "mixer" is both a machine id and a group; rename one of them"`);
  });

  it('when machines need each other, then the cycle is named along its path at the entry that closes it, once', () => {
    expect(rejectionOf(venue({ machines: [machine('amp-01', 'dependsOn: [mixer-01]'), machine('mixer-01', 'dependsOn: [switch-01]'), machine('switch-01', 'dependsOn: [amp-01]')] }))).toMatchInlineSnapshot(`"config/venue.yaml:9:93: machines[2].dependsOn[0]: dependency cycle: amp-01 -> mixer-01 -> switch-01 -> amp-01"`);
    expect(rejectionOf(venue({ machines: [machine('amp-01', 'dependsOn: [amp-01]')] }))).toMatchInlineSnapshot(`"config/venue.yaml:7:90: machines[0].dependsOn[0]: dependency cycle: amp-01 -> amp-01"`);
  });

  it('when groups need each other, or a group itself, then it is one cycle through their members', () => {
    const groups = ['  audio: { schedule: museum, dependsOn: [video] }', '  video: { schedule: museum, dependsOn: [audio] }'];
    expect(rejectionOf(venue({ groups, machines: [machine('amp-01'), machine('amp-02'), machine('proj-01', '', 'video'), machine('proj-02', '', 'video')] }))).toMatchInlineSnapshot(`"config/venue.yaml:6:42: groups.video.dependsOn[0]: dependency cycle: amp-01 -> proj-01 -> amp-01"`);
    expect(rejectionOf(venue({ groups: ['  audio: { schedule: museum, dependsOn: [audio] }'], machines: [machine('amp-01'), machine('amp-02')] }))).toMatchInlineSnapshot(`"config/venue.yaml:5:42: groups.audio.dependsOn[0]: dependency cycle: amp-01 -> amp-02 -> amp-01"`);
  });

  it('when the dependency settings are out of range, then each is reported at its key', () => {
    expect(rejectionOf(venue({ machines: [machine('amp-01')], controller: '{ dependencies: { wait: soon, onTimeout: wait, recheck: 500ms } }' }))).toMatchInlineSnapshot(`
      "config/venue.yaml:8:31: controller.dependencies.wait: expected a duration like 500ms, 30s, 15m or 1h30m, got "soon"
      config/venue.yaml:8:43: controller.dependencies.onTimeout: expected one of proceed, fail, got "wait"
      config/venue.yaml:8:60: controller.dependencies.recheck: expected a duration of at least 1s, got "500ms""
    `);
  });
});

describe('a large venue', () => {
  /** 10 switches, 90 mixers that need every switch, 900 amplifiers that need every mixer. */
  function threeLevels(extraOnFirstSwitch = ''): string {
    const ids = (prefix: string, count: number) => Array.from({ length: count }, (_, index) => `${prefix}-${String(index).padStart(3, '0')}`);
    return venue({
      groups: ['  network: { schedule: museum }', '  mixers: { schedule: museum, dependsOn: [network] }', '  amplifiers: { schedule: museum, dependsOn: [mixers] }'],
      machines: [
        ...ids('switch', 10).map((id, index) => machine(id, index === 0 ? extraOnFirstSwitch : '', 'network')),
        ...ids('mixer', 90).map((id) => machine(id, '', 'mixers')),
        ...ids('amp', 900).map((id) => machine(id, '', 'amplifiers')),
      ],
    });
  }

  it('when 1,000 machines hang on each other in three levels, then every machine has the machines it needs directly and those that need it directly', () => {
    const specs = byId(parseVenueConfig(threeLevels(), 'venue.yaml').machines);
    expect(specs['switch-000']?.dependencies?.needs).toEqual([]);
    expect(specs['switch-000']?.dependencies?.neededBy).toHaveLength(90);
    expect(specs['mixer-042']?.dependencies?.needs).toHaveLength(10);
    expect(specs['mixer-042']?.dependencies?.neededBy).toHaveLength(900);
    expect(specs['amp-899']?.dependencies?.needs).toEqual(expect.arrayContaining(['mixer-000', 'mixer-089']));
    expect(specs['amp-899']?.dependencies?.needs).toHaveLength(90);
  });

  it('when a switch of such a venue needs an amplifier, then the one cycle is reported once', () => {
    expect(rejectionOf(threeLevels('dependsOn: [amp-000]'))).toMatchInlineSnapshot(`"config/venue.yaml:6:43: groups.mixers.dependsOn[0]: dependency cycle: switch-000 -> amp-000 -> mixer-000 -> switch-000"`);
  });
});

const OUTLET_3 = '{ type: pdu, outlet: 3, community: { secret: PDU_COMMUNITY } }';

describe('poweredBy and powerCycle in the venue file, where they are wrong', () => {
  it('when poweredBy names an unknown machine, a machine of another driver or one outlet of a PDU, then it says a PDU as a whole is expected', () => {
    const machines = [machine('proj-01'), `  - { id: amp-03, group: audio, address: 10.0.0.9, driver: ${OUTLET_3} }`];
    expect(rejectionOf(venue({ machines: [...machines, machine('amp-01', 'poweredBy: { pdu: pdu-1, outlet: 1 }')] }))).toMatchInlineSnapshot(`"config/venue.yaml:9:91: machines[2].poweredBy.pdu: unknown machine "pdu-1"; poweredBy names a PDU as a whole (a machine whose pdu driver has no outlet), and the venue has none"`);
    expect(rejectionOf(venue({ machines: [...machines, machine('amp-01', 'poweredBy: { pdu: proj-01, outlet: 1 }')] }))).toMatchInlineSnapshot(`"config/venue.yaml:9:91: machines[2].poweredBy.pdu: proj-01 is a pjlink machine; poweredBy names a PDU as a whole (a machine whose pdu driver has no outlet), and the venue has none"`);
    expect(rejectionOf(venue({ machines: [...machines, machine('amp-01', 'poweredBy: { pdu: amp-03, outlet: 1 }')] }))).toMatchInlineSnapshot(`"config/venue.yaml:9:91: machines[2].poweredBy.pdu: amp-03 is one outlet of a PDU; poweredBy names a PDU as a whole (a machine whose pdu driver has no outlet), and the venue has none"`);
  });

  it('when two pdu machines are the same outlet of the same PDU, then the second names both', () => {
    const outletMachine = (id: string) => `  - { id: ${id}, group: audio, address: 10.0.0.9, driver: ${OUTLET_3} }`;
    expect(rejectionOf(venue({ machines: [outletMachine('amp-03'), outletMachine('amp-04')] }))).toMatchInlineSnapshot(`"config/venue.yaml:8:73: machines[1].driver.outlet: outlet 3 of the PDU at 10.0.0.9 feeds both amp-03 (machines[0]) and amp-04; an outlet feeds one machine"`);
  });

  it('when an outlet is 0 or powerCycle is on a machine without poweredBy, then each is an error at its key', () => {
    expect(rejectionOf(venue({ machines: [machine('proj-01', 'powerCycle: false'), machine('amp-01', 'poweredBy: { pdu: proj-01, outlet: 0 }')] }))).toMatchInlineSnapshot(`
      "config/venue.yaml:7:79: machines[0].powerCycle: only a machine with poweredBy is power-cycled: give it poweredBy: { pdu, outlet }, or remove powerCycle
      config/venue.yaml:8:91: machines[1].poweredBy.pdu: proj-01 is a pjlink machine; poweredBy names a PDU as a whole (a machine whose pdu driver has no outlet), and the venue has none
      config/venue.yaml:8:105: machines[1].poweredBy.outlet: expected an integer from 1 to 999, got 0"
    `);
  });

  it('when the power-cycle settings are out of range or true, then the message says what is expected', () => {
    expect(rejectionOf(venue({ machines: [machine('amp-01')], controller: '{ powerCycle: { after: 0, atMostEvery: 6h, off: 0s } }' }))).toMatchInlineSnapshot(`
      "config/venue.yaml:8:29: controller.powerCycle.after: expected an integer from 1 to 1000, got 0
      config/venue.yaml:8:56: controller.powerCycle.off: expected a duration from 1s to 5m, got "0s""
    `);
    expect(rejectionOf(venue({ machines: [machine('amp-01')], controller: '{ powerCycle: true }' }))).toMatchInlineSnapshot(`"config/venue.yaml:8:15: controller.powerCycle: expected false (never power-cycle), or { after, atMostEvery, off }, got true"`);
  });
});

const PDU_AS_A_WHOLE = '{ type: pdu, community: { secret: PDU_COMMUNITY } }';
/** A PDU as a whole at 10.0.0.9 in group audio, with extra keys. */
const pdu = (id: string, extra = '') => `  - { id: ${id}, group: audio, address: 10.0.0.9, driver: ${PDU_AS_A_WHOLE}${extra ? `, ${extra}` : ''} }`;

describe('poweredBy a PDU as a whole', () => {
  it('when a machine is fed by an outlet of a PDU, then its poweredBy is the PDU\'s driver on that outlet with the default power-cycle policy, and it needs the PDU', () => {
    const specs = byId(parseVenueConfig(venue({ machines: [pdu('pdu-rack-a'), machine('amp-01', 'poweredBy: { pdu: pdu-rack-a, outlet: 4 }')] }), 'venue.yaml').machines);
    expect(specs['amp-01']?.poweredBy).toEqual({
      pdu: 'pdu-rack-a',
      outlet: 4,
      driver: { ...specs['pdu-rack-a']?.driver, outlet: 4 },
      cycle: { afterFailures: 3, atMostEveryMs: 6 * 3_600_000, offMs: 10_000 },
    });
    expect(specs['amp-01']?.poweredBy?.driver).toMatchObject({ type: 'pdu', host: '10.0.0.9', port: 161, access: { version: '2c', community: { secret: 'PDU_COMMUNITY' } } });
    expect(specs['amp-01']?.dependencies).toEqual({ needs: ['pdu-rack-a'], neededBy: [], ...DEFAULT_SETTINGS });
    expect(specs['pdu-rack-a']?.dependencies).toEqual({ needs: [], neededBy: ['amp-01'], ...DEFAULT_SETTINGS });
    expect(specs['pdu-rack-a']).not.toHaveProperty('poweredBy');
  });

  it('when the controller gives the power-cycle policy, or says false, then the machines on outlets have it, or none', () => {
    const machines = [pdu('pdu-rack-a'), machine('amp-01', 'poweredBy: { pdu: pdu-rack-a, outlet: 4 }')];
    const cycleOf = (controller: string) => parseVenueConfig(venue({ machines, controller }), 'venue.yaml').machines[1]?.poweredBy;
    expect(cycleOf('{ powerCycle: { after: 5, atMostEvery: 1h, off: 30s } }')?.cycle).toEqual({ afterFailures: 5, atMostEveryMs: 3_600_000, offMs: 30_000 });
    expect(cycleOf('{ powerCycle: false }')).toEqual(expect.objectContaining({ pdu: 'pdu-rack-a', outlet: 4 }));
    expect(cycleOf('{ powerCycle: false }')).not.toHaveProperty('cycle');
  });

  it('when a group says powerCycle: false, then its machines are not cycled unless a machine says true', () => {
    const { machines } = parseVenueConfig(
      venue({
        groups: ['  audio: { schedule: museum, powerCycle: false }', '  video: { schedule: museum }'],
        machines: [
          pdu('pdu-rack-a'),
          machine('amp-01', 'poweredBy: { pdu: pdu-rack-a, outlet: 1 }'),
          machine('amp-02', 'poweredBy: { pdu: pdu-rack-a, outlet: 2 }, powerCycle: true'),
          machine('proj-01', 'poweredBy: { pdu: pdu-rack-a, outlet: 3 }', 'video'),
          machine('proj-02', 'poweredBy: { pdu: pdu-rack-a, outlet: 5 }, powerCycle: false', 'video'),
        ],
      }),
      'venue.yaml',
    );
    expect(machines.map((spec) => [spec.id, spec.poweredBy?.cycle !== undefined])).toEqual([['pdu-rack-a', false], ['amp-01', false], ['amp-02', true], ['proj-01', true], ['proj-02', false]]);
  });

  it('when two machines are on the same outlet of a PDU, by poweredBy or as the outlet itself, then the second names both', () => {
    const outletMachine = `  - { id: amp-03, group: audio, address: 10.0.0.9, driver: ${OUTLET_3} }`;
    expect(rejectionOf(venue({ machines: [pdu('pdu-rack-a'), machine('amp-01', 'poweredBy: { pdu: pdu-rack-a, outlet: 3 }'), machine('amp-02', 'poweredBy: { pdu: pdu-rack-a, outlet: 3 }')] }))).toMatchInlineSnapshot(`"config/venue.yaml:9:108: machines[2].poweredBy.outlet: outlet 3 of pdu-rack-a feeds both amp-01 (machines[1]) and amp-02; an outlet feeds one machine"`);
    expect(rejectionOf(venue({ machines: [pdu('pdu-rack-a'), outletMachine, machine('amp-01', 'poweredBy: { pdu: pdu-rack-a, outlet: 3 }')] }))).toMatchInlineSnapshot(`"config/venue.yaml:9:108: machines[2].poweredBy.outlet: outlet 3 of pdu-rack-a feeds both amp-03 (machines[1]) and amp-01; an outlet feeds one machine"`);
  });

  it('when poweredBy names a machine that is not a PDU as a whole, then the message lists those of the venue', () => {
    expect(rejectionOf(venue({ machines: [pdu('pdu-rack-a'), pdu('pdu-rack-b'), machine('proj-01'), machine('amp-01', 'poweredBy: { pdu: proj-01, outlet: 3 }')] }))).toMatchInlineSnapshot(`"config/venue.yaml:10:91: machines[3].poweredBy.pdu: proj-01 is a pjlink machine; poweredBy names a PDU as a whole (a machine whose pdu driver has no outlet), and the venue has pdu-rack-a, pdu-rack-b"`);
  });

  it('when a PDU hangs on a machine it feeds, then it is a cycle through poweredBy', () => {
    expect(rejectionOf(venue({ machines: [pdu('pdu-rack-a', 'dependsOn: [amp-01]'), machine('amp-01', 'poweredBy: { pdu: pdu-rack-a, outlet: 3 }')] }))).toMatchInlineSnapshot(`"config/venue.yaml:8:91: machines[1].poweredBy.pdu: dependency cycle: pdu-rack-a -> amp-01 -> pdu-rack-a"`);
  });

  it('when a machine says powerCycle: true and the controller never cycles, then it is an error', () => {
    expect(rejectionOf(venue({ machines: [pdu('pdu-rack-a'), machine('amp-01', 'poweredBy: { pdu: pdu-rack-a, outlet: 3 }, powerCycle: true')], controller: '{ powerCycle: false }' }))).toMatchInlineSnapshot(`"config/venue.yaml:8:121: machines[1].powerCycle: controller.powerCycle is false, so no outlet is ever cycled: give controller.powerCycle its settings, or remove this"`);
  });
});

describe('probe-only machines', () => {
  it('when a PDU as a whole has no schedule, neither its own nor its group\'s, then it is watched around the clock', () => {
    const { machines } = parseVenueConfig(venue({ groups: ['  infrastructure: {}'], machines: [pdu('pdu-rack-a').replace('group: audio', 'group: infrastructure')] }), 'venue.yaml');
    const [spec] = machines;
    expect(spec?.probeOnly).toBe(true);
    expect(spec?.schedule).toEqual({
      name: 'always (probe only)',
      timezone: 'Europe/London',
      leadMs: 0,
      lagMs: 0,
      weekly: Object.fromEntries(['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'].map((day) => [day, ['00:00-24:00']])),
      exceptions: [],
    });
  });

  it('when a probe-only machine is in a group with a schedule, lead and lag, then it is still always on', () => {
    const { machines } = parseVenueConfig(venue({ groups: ['  audio: { schedule: museum, lead: 5m, lag: 5m }'], machines: [pdu('pdu-rack-a'), machine('amp-01')] }), 'venue.yaml');
    expect(machines.map((spec) => [spec.id, spec.schedule.name, spec.schedule.leadMs, spec.probeOnly])).toEqual([['pdu-rack-a', 'always (probe only)', 0, true], ['amp-01', 'museum', 300_000, undefined]]);
  });

  it('when a probe-only machine is given a schedule, lead, lag, scene or aspects, then each says it is only watched', () => {
    const text = venue({ machines: [machine('proj-01'), pdu('pdu-rack-a', 'schedule: museum, lead: 1m, lag: 1m, scene: museum, aspects: { mute: false }')] }).replace('groups:', 'scenes: { museum: { mute: false } }\ngroups:');
    expect(rejectionOf(text)).toMatchInlineSnapshot(`
      "config/venue.yaml:9:117: machines[1].schedule: pdu-rack-a is only watched, never switched (its pdu driver is probe-only), so it takes no schedule; remove it
      config/venue.yaml:9:135: machines[1].lead: pdu-rack-a is only watched, never switched (its pdu driver is probe-only), so it takes no lead; remove it
      config/venue.yaml:9:145: machines[1].lag: pdu-rack-a is only watched, never switched (its pdu driver is probe-only), so it takes no lag; remove it
      config/venue.yaml:9:154: machines[1].scene: pdu-rack-a is only watched, never switched (its pdu driver is probe-only), so it takes no scene; remove it
      config/venue.yaml:9:169: machines[1].aspects: pdu-rack-a is only watched, never switched (its pdu driver is probe-only), so it takes no aspects; remove it"
    `);
  });
});
