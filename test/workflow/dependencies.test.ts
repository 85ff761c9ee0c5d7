/**
 * The dependency map through the real worker and dev server: machines tell each other their power
 * and health by signals, and power steps wait for them. The simulated devices' command logs are the
 * evidence of order.
 */
import { Worker } from '@temporalio/worker';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { MachineSpec } from '../../domain/types';
import { startSimulator, type Simulator } from '../../simulator';
import { configHashOf } from '../../fleet/config-hash';
import { configurationChangedSignal, DEPENDENCY_MEMO, setOverrideSignal, type DependencyMemo } from '../../workflows/machine/contract';
import { correctedWithinMs, SCHEDULING_ALLOWANCE_MS } from '../support/budgets';
import { startTestWorker, type TestWorker } from '../support/machine-worker';
import { bundleWorkflows } from '../support/temporal';
import { waitFor } from '../support/wait-for';
import { dependencies, lineDriver, machine, pjlinkDriver } from '../support/specs';

const operator = { by: 'test operator', reason: 'closing' };

let simulator: Simulator;
let worker: TestWorker;

beforeAll(async () => {
  simulator = await startSimulator({
    devices: [
      { id: 'mixer', kind: 'tcp', initialPower: 'off' },
      { id: 'amp-a', kind: 'tcp', initialPower: 'off' },
      { id: 'amp-b', kind: 'tcp', initialPower: 'off' },
      { id: 'player', kind: 'tcp', initialPower: 'off' },
      { id: 'proj', kind: 'pjlink', initialPower: 'off', warmupMs: 1500, cooldownMs: 500 },
      { id: 'lonely', kind: 'tcp', initialPower: 'off' },
      { id: 'strict', kind: 'tcp', initialPower: 'off' },
      { id: 'early-mixer', kind: 'tcp', initialPower: 'on' },
      { id: 'slow-rack', kind: 'pjlink', initialPower: 'off', warmupMs: 2000, cooldownMs: 500 },
      { id: 'slow-mid', kind: 'pjlink', initialPower: 'off', warmupMs: 2000, cooldownMs: 500 },
      { id: 'tail', kind: 'tcp', initialPower: 'off' },
      { id: 'late-amp', kind: 'tcp', initialPower: 'off' },
      { id: 'rewired-amp', kind: 'tcp', initialPower: 'on' },
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

/** When each device was first switched to `power`: the simulator's own log of what it was sent. */
function firstSwitched(id: string, power: 'on' | 'off'): number {
  const wanted = simulator.device(id).kind === 'pjlink' ? (power === 'on' ? 'POWR 1' : 'POWR 0') : `POWER ${power.toUpperCase()}`;
  const entry = simulator.device(id).commands.find((record) => record.command === wanted);
  if (!entry) throw new Error(`${id} was never switched ${power}: ${JSON.stringify(simulator.device(id).commands)}`);
  return entry.at;
}

function switches(id: string): string[] {
  return simulator.device(id).commands.map((record) => record.command).filter((command) => /^(POWER (ON|OFF)|POWR [01])$/.test(command));
}

describe('power sequences from the dependency map, against a real dev server', () => {
  it('when a venue opens, then the mixer comes on before the amplifiers and the player before its projector; when it closes, the reverse', async () => {
    const specs: MachineSpec[] = [
      machine('amp-a', lineDriver(simulator.device('amp-a').port), { dependencies: dependencies(['mixer'], []) }),
      machine('amp-b', lineDriver(simulator.device('amp-b').port), { dependencies: dependencies(['mixer'], []) }),
      machine('proj', pjlinkDriver(simulator.device('proj').port), { dependencies: dependencies(['player'], []) }),
      machine('mixer', lineDriver(simulator.device('mixer').port), { dependencies: dependencies([], ['amp-a', 'amp-b']) }),
      machine('player', lineDriver(simulator.device('player').port), { dependencies: dependencies([], ['proj']) }),
    ];
    // The dependents start first: they must wait, not go ahead because nobody has told them anything.
    const handles = [];
    for (const spec of specs) handles.push(await worker.startMachine(spec));
    const everyOn = () => specs.every((spec) => simulator.device(spec.id).power === 'on');
    await waitFor('every device on', everyOn, 4 * correctedWithinMs(specs[0]!));

    expect(firstSwitched('mixer', 'on')).toBeLessThan(firstSwitched('amp-a', 'on'));
    expect(firstSwitched('mixer', 'on')).toBeLessThan(firstSwitched('amp-b', 'on'));
    expect(firstSwitched('player', 'on')).toBeLessThan(firstSwitched('proj', 'on'));
    // The projector waits for its player only: it is not held back by the audio chain.
    const amp = await worker.status('amp-a');
    expect(amp.dependencies).toMatchObject({ needs: [{ id: 'mixer', power: 'on', health: 'ok' }], neededBy: [] });
    expect(amp.audit.map((entry) => entry.action).filter((action) => action.includes('without'))).toEqual([]);

    await Promise.all(handles.map((handle) => handle.signal(setOverrideSignal, { ...operator, power: 'off' })));
    const everyOff = () => specs.every((spec) => simulator.device(spec.id).power === 'off');
    await waitFor('every device off', everyOff, 4 * correctedWithinMs(specs[0]!));

    expect(firstSwitched('amp-a', 'off')).toBeLessThan(firstSwitched('mixer', 'off'));
    expect(firstSwitched('amp-b', 'off')).toBeLessThan(firstSwitched('mixer', 'off'));
    expect(firstSwitched('proj', 'off')).toBeLessThan(firstSwitched('player', 'off'));
    for (const spec of specs) expect(switches(spec.id), `${spec.id} switched once each way`).toHaveLength(2);

    // What a worker does after a restart or a cache eviction: each history, with its waits, reports
    // and replies, replays without a nondeterminism error (ended first, so the replay stops there).
    const workflowBundle = await bundleWorkflows();
    for (const handle of handles) {
      await handle.terminate('replayed next');
      const history = await handle.fetchHistory();
      await expect(Worker.runReplayHistory({ workflowBundle, replayName: handle.workflowId }, history), handle.workflowId).resolves.toBeUndefined();
    }
  });

  it('when a machine starts after the one it needs has reported, or learns of it from a configuration change, then it asks, is answered, and does not wait', async () => {
    const mixer = machine('early-mixer', lineDriver(simulator.device('early-mixer').port), { dependencies: dependencies([], ['late-amp', 'rewired-amp']) });
    await worker.startMachine(mixer);
    await waitFor('the mixer seen on', async () => (await worker.status('early-mixer')).observed?.power === 'on', correctedWithinMs(mixer));

    // Its own first report could reach nobody: the amplifier did not exist. Now the amplifier asks.
    const lateAmp = machine('late-amp', lineDriver(simulator.device('late-amp').port), { dependencies: dependencies(['early-mixer'], [], { waitMs: 60_000 }) });
    await worker.startMachine(lateAmp);
    await waitFor('the late amplifier on', () => simulator.device('late-amp').power === 'on', correctedWithinMs(lateAmp));
    expect((await worker.status('late-amp')).dependencies?.needs).toEqual([{ id: 'early-mixer', power: 'on', health: 'ok' }]);

    const unwired = machine('rewired-amp', lineDriver(simulator.device('rewired-amp').port));
    const handle = await worker.startMachine(unwired);
    await waitFor('the unwired amplifier checked', async () => (await worker.status('rewired-amp')).observed?.power === 'on', correctedWithinMs(unwired));
    const rewired = { ...unwired, dependencies: dependencies(['early-mixer'], []) };
    await handle.signal(configurationChangedSignal, { spec: rewired, configHash: configHashOf(rewired) });
    await waitFor('the mixer known to the rewired amplifier', async () => (await worker.status('rewired-amp')).dependencies?.needs[0]?.power === 'on', correctedWithinMs(rewired));
  });

  it('when a sequence of slow levels takes longer than one step\'s timeout, then the last level waits for it without timing out', async () => {
    const waitMs = 3000;
    const specs = [
      machine('tail', lineDriver(simulator.device('tail').port), { dependencies: dependencies(['slow-mid'], [], { waitMs }) }),
      machine('slow-mid', pjlinkDriver(simulator.device('slow-mid').port), { dependencies: dependencies(['slow-rack'], ['tail'], { waitMs }) }),
      machine('slow-rack', pjlinkDriver(simulator.device('slow-rack').port), { dependencies: dependencies([], ['slow-mid'], { waitMs }) }),
    ];
    for (const spec of specs) await worker.startMachine(spec);
    await waitFor('the tail on', () => simulator.device('tail').power === 'on', 3 * correctedWithinMs(specs[0]!));

    // Two warm-ups of 2 s and their rechecks: longer than the tail's 3 s, yet each step only waited for the one before.
    const midUp = firstSwitched('slow-mid', 'on') + 2000;
    expect(firstSwitched('tail', 'on')).toBeGreaterThan(midUp);
    expect(firstSwitched('tail', 'on') - firstSwitched('slow-rack', 'on')).toBeGreaterThan(waitMs);
    for (const spec of specs) expect((await worker.status(spec.id)).audit.filter((entry) => entry.action.includes('without')), spec.id).toEqual([]);
  });

  it('when a machine it needs never reports, then its step waits the timeout and proceeds, saying so in its memo history and audit', async () => {
    const waitMs = 3000;
    const spec = machine('lonely', lineDriver(simulator.device('lonely').port), { dependencies: dependencies(['absent'], [], { waitMs }) });
    const startedAt = Date.now();
    const handle = await worker.startMachine(spec);
    await waitFor('the waiting note', async () => ((await handle.describe()).memo?.[DEPENDENCY_MEMO] as DependencyMemo | undefined)?.note === 'waiting for absent to be on', 5000);
    expect((await worker.status('lonely')).dependencies?.waitingFor).toEqual(['absent']);
    expect(simulator.device('lonely').power).toBe('off');

    await waitFor('the device on', () => simulator.device('lonely').power === 'on', waitMs + correctedWithinMs(spec));
    expect(firstSwitched('lonely', 'on') - startedAt).toBeGreaterThanOrEqual(waitMs);
    const status = await worker.status('lonely');
    expect(status.audit.map(({ action, by, reason }) => ({ action, by, reason }))).toContainEqual({ action: 'power on without absent', by: 'controller', reason: 'waited 3s for absent to be on' });
    const summaries = ((await handle.fetchHistory()).events ?? []).filter((event) => event.activityTaskScheduledEventAttributes).map((event) => event.userMetadata?.summary?.data);
    expect(summaries.map((data) => JSON.parse(Buffer.from(data ?? []).toString()) as string)).toContain('TCP power on lonely (waited 3s for absent to be on)');
    await waitFor('the note cleared', async () => (await handle.describe()).memo?.[DEPENDENCY_MEMO] === undefined, 5000);
  });

  it('when the configuration says fail, then a step that waited its timeout fails the check with that message, and sends nothing', async () => {
    const spec = machine('strict', lineDriver(simulator.device('strict').port), { dependencies: dependencies(['absent'], [], { waitMs: 2000, onTimeout: 'fail' }) });
    await worker.startMachine(spec);
    const status = await waitFor('a failing machine', async () => {
      const s = await worker.status('strict');
      return s.health === 'failing' && s;
    }, 2000 + 3 * spec.tickMs + SCHEDULING_ALLOWANCE_MS);
    expect(status.lastCheck?.failure).toEqual({ step: 'command', type: 'DependencyWaitTimeout', message: 'waited 2s for absent to be on' });
    expect(switches('strict')).toEqual([]);
  });
});
