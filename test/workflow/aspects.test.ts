import { Worker } from '@temporalio/worker';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { DriverSpec } from '../../activities/drivers/specs';
import { startSimulator, type Simulator } from '../../simulator';
import { instantToLocal, localToInstant } from '../../domain/schedule';
import { setOverrideSignal } from '../../workflows/machine/contract';
import { correctedWithinMs, SCHEDULING_ALLOWANCE_MS } from '../support/budgets';
import { machineWorkflowId } from '../../fleet/machines';
import { startTestWorker, type TestWorker } from '../support/machine-worker';
import { bundleWorkflows } from '../support/temporal';
import { waitFor } from '../support/wait-for';
import { ALWAYS_OFF, ALWAYS_ON, FAST_TIMEOUTS, lineDriver, machine, schedule } from '../support/specs';

const operator = { by: 'test operator', reason: 'test' };
const INPUTS = { HDMI1: '31', HDMI2: '32' };
const scenes = { museum: { input: 'HDMI1', mute: false }, evening: { input: 'HDMI2', mute: true } };

let simulator: Simulator;
let worker: TestWorker;

beforeAll(async () => {
  simulator = await startSimulator({
    devices: [
      { id: 'drifting', kind: 'pjlink', initialPower: 'on', warmupMs: 0, cooldownMs: 0, inputs: ['31', '32'], initialInput: '31' },
      { id: 'warming', kind: 'pjlink', initialPower: 'off', warmupMs: 5000, cooldownMs: 0, inputs: ['31', '32'], initialInput: '32' },
      { id: 'standby', kind: 'pjlink', initialPower: 'on', warmupMs: 0, cooldownMs: 0, inputs: ['31', '32'], initialInput: '32' },
      { id: 'scenes', kind: 'pjlink', initialPower: 'on', warmupMs: 0, cooldownMs: 0, inputs: ['31', '32'], initialInput: '31' },
      { id: 'lamp', kind: 'pjlink', initialPower: 'on', warmupMs: 0, cooldownMs: 0, errorStatus: '020000', lampHours: 100, lampHourMs: 200 },
      { id: 'amp', kind: 'tcp', initialPower: 'on', initialVolume: 59 },
      { id: 'replayed', kind: 'pjlink', initialPower: 'on', warmupMs: 0, cooldownMs: 0, inputs: ['31', '32'], initialInput: '32', lampHours: 10 },
    ],
  });
  worker = await startTestWorker();
});

afterEach(async () => {
  await worker.terminateMachines();
});

afterAll(async () => {
  await worker?.stop();
  await simulator?.stop();
});

function projector(id: string): DriverSpec {
  return { type: 'pjlink', host: '127.0.0.1', port: simulator.device(id).port, timeouts: FAST_TIMEOUTS, inputs: INPUTS };
}

/** A fixed-offset zone (Etc/GMT-N is UTC+N) where the local hour is 12 now. */
function zoneNearNoon(): string {
  const offset = 12 - new Date().getUTCHours();
  return offset === 0 ? 'Etc/GMT' : `Etc/GMT${offset > 0 ? '-' : '+'}${Math.abs(offset)}`;
}

function sent(id: string, command: string): string[] {
  return simulator.device(id).commands.map((entry) => entry.command).filter((line) => line.includes(command));
}

describe('aspects beside power, against a real dev server and simulated devices', () => {
  it('when someone switches a projector to another input behind the system\'s back, then it is back on the scene\'s input within one tick', async () => {
    const spec = machine('drifting', projector('drifting'), { aspects: { base: scenes.museum, scenes } });
    const device = simulator.device('drifting', 'pjlink');
    await worker.startMachine(spec);
    await waitFor('a check that read the aspects', async () => (await worker.status('drifting')).aspects.every((aspect) => aspect.inWantedState));

    device.setInput('32');
    // Within one tick: the next slot, its probe and one command, each at its bound.
    await waitFor('the input to be set back', () => device.input === '31', correctedWithinMs(spec));
    expect(sent('drifting', 'INPT')).toEqual(['INPT 31']);
    const status = await waitFor('the correction in the status', async () => {
      const s = await worker.status('drifting');
      return s.aspects.find((aspect) => aspect.name === 'input')?.lastCorrection && s;
    });
    expect(status.aspects.find((aspect) => aspect.name === 'input')).toMatchObject({ wanted: 'HDMI1', source: 'machine', lastCorrection: { value: 'HDMI1' } });
    expect(status.health).toBe('ok');
  });

  it('when a projector is warming up, then nothing is sent for its aspects until it is on; then they are set', async () => {
    const spec = machine('warming', projector('warming'), { aspects: { base: scenes.museum, scenes } });
    await worker.startMachine(spec);
    await waitFor('the projector to warm up', () => simulator.device('warming').power === 'warming', 5000);
    await waitFor('two checks that saw it warming', async () => {
      const s = await worker.status('warming');
      return s.lastCheck?.outcome === 'transitional' && s.commandsSent === 1;
    });
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(sent('warming', 'INPT'), 'no input command while warming').toEqual([]);
    await waitFor('the input set once it is on', () => simulator.device('warming', 'pjlink').input === '31', 5000 + correctedWithinMs(spec));
    expect(sent('warming', 'INPT')).toEqual(['INPT 31']);
  });

  it('when a projector should be off, then it is switched off and its aspects, though on the wrong input, are neither read nor set', async () => {
    const spec = machine('standby', projector('standby'), { schedule: ALWAYS_OFF, aspects: { base: scenes.museum, scenes } });
    await worker.startMachine(spec);
    await waitFor('the projector off', () => simulator.device('standby').power === 'off', correctedWithinMs(spec));
    await new Promise((resolve) => setTimeout(resolve, 3 * spec.tickMs));
    expect(simulator.device('standby').commands.map((entry) => entry.command)).toEqual(['POWR 0']);
    const status = await worker.status('standby');
    expect(status.aspects.map(({ name, wanted, observed }) => ({ name, wanted, observed }))).toEqual([
      { name: 'input', wanted: undefined, observed: undefined },
      { name: 'mute', wanted: undefined, observed: undefined },
    ]);
  });

  it('when a schedule window with another scene opens, then every aspect of that scene is applied; an override to another scene wins and expires back', async () => {
    // A window boundary at the next minute: the museum scene until then, the evening scene after;
    // in a zone where it is about noon, so the windows never touch midnight.
    const zone = zoneNearNoon();
    const next = instantToLocal(Date.now() + 60_000, zone);
    const boundary = next.time;
    const day = { ...schedule([`00:00-${boundary}`, `${boundary}-24:00`], zone), windowScenes: { [`${boundary}-24:00`]: 'evening' } };
    const spec = machine('scenes', projector('scenes'), { schedule: day, aspects: { base: scenes.museum, scenes } });
    const device = simulator.device('scenes', 'pjlink');
    const handle = await worker.startMachine(spec);
    await waitFor('the museum scene', async () => (await worker.status('scenes')).aspects.every((aspect) => aspect.inWantedState && aspect.source === 'machine'));

    const opensAt = localToInstant(next.date, boundary, zone);
    await waitFor('the evening scene: input and mute', () => device.input === '32' && device.avMute === '31', opensAt - Date.now() + correctedWithinMs(spec));
    expect(Date.now()).toBeGreaterThanOrEqual(opensAt);
    expect((await worker.status('scenes')).aspects.map(({ source, scene }) => ({ source, scene }))).toEqual([
      { source: 'scene', scene: 'evening' },
      { source: 'scene', scene: 'evening' },
    ]);

    await handle.signal(setOverrideSignal, { ...operator, scene: 'museum', untilMs: Date.now() + 4000 });
    await waitFor('the override\'s scene', () => device.input === '31' && device.avMute === '30', correctedWithinMs(spec));
    await waitFor('the window\'s scene once the override expires', () => device.input === '32' && device.avMute === '31', 4000 + correctedWithinMs(spec));
    expect((await worker.status('scenes')).override).toBeUndefined();
  });

  it('when a volume reads within its tolerance, then it is left alone; once it is outside, it is corrected', async () => {
    const amp = simulator.device('amp', 'tcp');
    const driver: DriverSpec = {
      ...lineDriver(amp.port),
      aspects: {
        volume: { value: { kind: 'number', min: 0, max: 100, tolerance: 2 }, read: { send: 'VOLUME?', value: '^VOLUME (\\d+)$' }, set: { send: 'VOLUME {value}', expect: '^OK$' } },
      },
    };
    const spec = machine('amp', driver, { schedule: ALWAYS_ON, aspects: { base: { volume: 60 }, scenes: {} } });
    await worker.startMachine(spec);
    await waitFor('three checks that read the volume', async () => {
      const s = await worker.status('amp');
      return s.aspects[0]?.observed === 59 && s.lastCheck?.outcome === 'in-sync' && s;
    });
    await new Promise((resolve) => setTimeout(resolve, 3 * spec.tickMs));
    expect(sent('amp', 'VOLUME')).toEqual([]);

    amp.setVolume(40);
    await waitFor('the volume corrected', () => amp.volume === 60, correctedWithinMs(spec));
    expect(sent('amp', 'VOLUME')).toEqual(['VOLUME 60']);
  });

  it('when telemetry is due and the projector reports a lamp error, then the status shows it, and lamp hours grow from one read to the next', async () => {
    const spec = machine('lamp', { type: 'pjlink', host: '127.0.0.1', port: simulator.device('lamp').port, timeouts: FAST_TIMEOUTS }, { schedule: ALWAYS_ON, telemetryIntervalMs: 2000 });
    await worker.startMachine(spec);
    const first = await waitFor('a telemetry read', async () => (await worker.status('lamp')).telemetry, 2 * spec.tickMs + SCHEDULING_ALLOWANCE_MS);
    expect(first.errors).toMatchObject({ lamp: 'error', fan: 'ok' });
    const later = await waitFor('a later telemetry read', async () => {
      const telemetry = (await worker.status('lamp')).telemetry;
      return telemetry && telemetry.atMs > first.atMs && telemetry;
    }, spec.telemetryIntervalMs! + 2 * spec.tickMs + SCHEDULING_ALLOWANCE_MS);
    expect(later.lamps?.[0]?.hours).toBeGreaterThan(first.lamps?.[0]?.hours ?? Infinity);
    expect(later.lamps?.[0]?.lit).toBe(true);
  });

  it('when a run that read aspects, corrected one and read telemetry is replayed from its history by a fresh worker, then it replays without a nondeterminism error', async () => {
    const spec = machine('replayed', projector('replayed'), { aspects: { base: scenes.museum, scenes }, telemetryIntervalMs: 2000 });
    await worker.startMachine(spec);
    const first = await waitFor('a correction and a telemetry read', async () => {
      const status = await worker.status('replayed');
      return status.aspects.some((aspect) => aspect.lastCorrection !== undefined) && status.telemetry;
    }, 2 * spec.tickMs + SCHEDULING_ALLOWANCE_MS);
    await waitFor('a second telemetry read', async () => ((await worker.status('replayed')).telemetry?.atMs ?? 0) > first.atMs, spec.telemetryIntervalMs! + 2 * spec.tickMs + SCHEDULING_ALLOWANCE_MS);
    const history = await worker.client.workflow.getHandle(machineWorkflowId('replayed')).fetchHistory();

    await expect(Worker.runReplayHistory({ workflowBundle: await bundleWorkflows(), replayName: 'replayed' }, history)).resolves.toBeUndefined();
  });
});
