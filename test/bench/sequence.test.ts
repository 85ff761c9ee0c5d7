import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { assessOpening } from '../../bench/sequence/opening';
import { machineIdsOf, sequencePlan, writeSequenceVenue } from '../../bench/sequence/venue';

const BOOT_MS = 2_000;
const SYNC_MS = 1_000_000;

describe('the opening venue', () => {
  let dir: string | undefined;
  afterEach(async () => dir && (await rm(dir, { recursive: true, force: true })));

  it('when 1,000 machines are planned, then 10 racks feed 9 mixers each and 90 mixers 10 amplifiers each', () => {
    const plan = sequencePlan(1_000);
    expect(plan.levels.map((level) => [level.name, level.ids.length])).toEqual([['racks', 10], ['mixers', 90], ['amps', 900]]);
    const ampsOfMixer1 = [...plan.needs].filter(([, needed]) => needed === 'mixer-01').length;
    const mixersOfRack1 = [...plan.needs].filter(([, needed]) => needed === 'rack-01').length;
    expect([mixersOfRack1, ampsOfMixer1]).toEqual([9, 10]);
  });

  it('when the venue file is read back by the product, then each machine needs the one its plan names, and without dependencies none', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'sequence-venue-'));
    const plan = sequencePlan(30);
    const devices = machineIdsOf(plan).map((id, index) => ({ id, kind: 'http', host: `127.60.0.${index + 1}`, port: 8000 }));
    const withDependencies = await writeSequenceVenue(dir, devices, plan, { tickMs: 10_000, recheckMs: 5_000, withDependencies: true });
    const amp = withDependencies.config.machines.find((spec) => spec.id === 'amp-01');
    expect(amp?.dependencies).toMatchObject({ needs: [plan.needs.get('amp-01')], recheckMs: 5_000 });
    const without = await writeSequenceVenue(dir, devices, plan, { tickMs: 10_000, recheckMs: 5_000, withDependencies: false });
    expect(without.config.machines.every((spec) => spec.dependencies === undefined)).toBe(true);
  });
});

describe('opening assessment', () => {
  const plan = sequencePlan(3);
  const powerOn = (device: string, atMs: number) => ({ device, at: SYNC_MS + atMs, command: 'PUT power on' });
  const waits = { firstCheckAtMs: new Map([['rack-1', SYNC_MS], ['mixer-1', SYNC_MS], ['amp-1', SYNC_MS]]), waitMs: 120_000 };

  it('when each level is switched on after the one below is on, then the opening is complete with no violation', () => {
    const opening = assessOpening(plan, [powerOn('rack-1', 100), powerOn('mixer-1', 2_500), powerOn('amp-1', 5_000)], BOOT_MS, SYNC_MS, waits);
    expect(opening).toMatchObject({ complete: true, seconds: 7, orderViolations: 0 });
    expect(opening.levels.map((level) => level.lastOnSeconds)).toEqual([2.1, 4.5, 7]);
  });

  it('when a mixer is switched on while its rack still boots, then that is a violation, and a refused command is not a power-on', () => {
    const refused = { device: 'amp-1', at: SYNC_MS + 200, command: '409 PUT power on' };
    const opening = assessOpening(plan, [powerOn('rack-1', 100), powerOn('mixer-1', 1_000), refused, powerOn('amp-1', 5_000)], BOOT_MS, SYNC_MS, waits);
    expect(opening).toMatchObject({ orderViolations: 1, orderViolationsAfterWait: 0, otherCommands: 1, powerOnCommands: 3 });
    expect(opening.violationSamples).toEqual([{ device: 'mixer-1', switchedOnAtSeconds: 1, needs: 'rack-1', neededOnAtSeconds: 2.1, afterWait: false }]);
  });

  it('when an amplifier is switched on the wait after its first check while its mixer is still off, then that violation is counted as after the wait', () => {
    const opening = assessOpening(plan, [powerOn('rack-1', 100), powerOn('amp-1', 120_500)], BOOT_MS, SYNC_MS, waits);
    expect(opening).toMatchObject({ complete: false, orderViolations: 1, orderViolationsAfterWait: 1 });
  });
});
