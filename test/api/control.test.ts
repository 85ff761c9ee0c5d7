import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { accepted, applied, bulkResults, type MachineOutcome } from '../../api/response-schemas';
import type { MachineStatus } from '../../workflows/machine/contract';
import { startSimulator, type Simulator } from '../../simulator';
import { startTestWorker, type TestWorker } from '../support/machine-worker';
import { waitFor } from '../support/wait-for';
import { ALWAYS_OFF, ALWAYS_ON, machine, pjlinkDriver } from '../support/specs';
import { expectDocumented, machineFleet, startApi, venueOf, type ApiUnderTest } from './support';

interface Accepted {
  requestId: string;
  machine: string;
  workflowId: string;
  status: 'accepted';
}
interface Applied {
  requestId: string;
  status: 'applied';
  machine: MachineStatus;
}
interface BulkResults {
  group?: string;
  results: MachineOutcome[];
}

const FOYER = ['api-ctl-foyer-1', 'api-ctl-foyer-2', 'api-ctl-foyer-3'];
const LOBBY = 'api-ctl-lobby';
const quick = { warmupMs: 100, cooldownMs: 100 };

let simulator: Simulator;
let worker: TestWorker;
let api: ApiUnderTest;
let fleet: ReturnType<typeof machineFleet>;
const stopAfterTest: ApiUnderTest[] = [];

beforeAll(async () => {
  simulator = await startSimulator({
    devices: [
      { id: 'api-ctl-override', kind: 'pjlink', initialPower: 'off', ...quick },
      { id: 'api-ctl-clear', kind: 'pjlink', initialPower: 'off', ...quick },
      { id: 'api-ctl-maintenance', kind: 'pjlink', initialPower: 'on', ...quick },
      { id: 'api-ctl-scene', kind: 'pjlink', initialPower: 'on', ...quick, inputs: ['31', '32'], initialInput: '31' },
      ...[...FOYER, LOBBY].map((id) => ({ id, kind: 'pjlink' as const, initialPower: 'off' as const, ...quick })),
    ],
  });
  worker = await startTestWorker();
  fleet = machineFleet(worker.client, worker.taskQueue);
  api = await startApi({ client: worker.client, taskQueue: worker.taskQueue });
});

afterEach(async () => {
  await Promise.all(stopAfterTest.splice(0).map((own) => own.stop()));
  await fleet.terminateAll();
});

afterAll(async () => {
  await api?.stop();
  await worker?.stop();
  await simulator?.stop();
});

async function startMachine(id: string, schedule = ALWAYS_OFF): Promise<void> {
  await fleet.start([machine(id, pjlinkDriver(simulator.device(id).port), { schedule })]);
  await waitFor(`a first check of ${id}`, async () => (await worker.status(id)).lastCheck);
}

function powerOnCommands(id: string): number {
  return simulator.device(id).commands.filter((entry) => entry.command.endsWith('POWR 1')).length;
}

describe('operator API against a real worker and simulated projectors', () => {
  it('when an override names a scene, then the projector takes its input and the status says where it comes from; an unknown scene is a 400 naming the field', async () => {
    const id = 'api-ctl-scene';
    const device = simulator.device(id, 'pjlink');
    const driver = { ...pjlinkDriver(device.port), inputs: { HDMI1: '31', HDMI2: '32' } };
    const spec = machine(id, driver, { schedule: ALWAYS_ON, aspects: { base: { input: 'HDMI1' }, scenes: { laptop: { input: 'HDMI2' } } } });
    await fleet.start([spec]);
    await waitFor(`a first check of ${id}`, async () => (await worker.status(id)).lastCheck);
    const venueApi = await startApi({ client: worker.client, taskQueue: worker.taskQueue, venue: venueOf([spec]) });
    stopAfterTest.push(venueApi);

    const unknown = await venueApi.call('POST', `/machines/${id}/override`, { json: { scene: 'gala', reason: 'test' } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toMatchObject({ field: 'scene' });
    expect(unknown.body.error.message).toContain('declared scenes: laptop');

    const response = await venueApi.call<Applied>('POST', `/machines/${id}/override?wait=5s`, { json: { scene: 'laptop', until: '1h', reason: 'guest laptop', by: 'technician' } });
    expect(response.status).toBe(200);
    expectDocumented(applied, response.body);
    expect(response.body.machine.override).toMatchObject({ scene: 'laptop', by: 'technician' });
    await waitFor('the projector on the laptop input', () => device.input === '32', 5000);
    const status = await waitFor('the status to show the scene', async () => {
      const s = await worker.status(id);
      return s.aspects[0]?.observed === 'HDMI2' && s;
    });
    expect(status.aspects[0]).toMatchObject({ name: 'input', wanted: 'HDMI2', source: 'override', scene: 'laptop', inWantedState: true });
    expect(status.audit.map((entry) => entry.action)).toContain('override scene laptop until ' + new Date(status.override!.untilMs!).toISOString());
  });


  it('when an override is posted for a machine the schedule wants off, then the device is on within one tick and off again once it expires', async () => {
    const id = 'api-ctl-override';
    const device = simulator.device(id);
    await startMachine(id);

    const response = await api.call<Applied>('POST', `/machines/${id}/override?wait=5s`, {
      json: { power: 'on', until: '5s', reason: 'rehearsal', by: 'stage manager' },
    });

    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ status: 'applied', machine: { id, desired: 'on', mode: 'override' } });
    expect(response.body.machine.override).toMatchObject({ power: 'on', reason: 'rehearsal', by: 'stage manager' });
    expect(response.body.machine.audit.at(-1)).toMatchObject({ requestId: response.body.requestId, by: 'stage manager', reason: 'rehearsal' });
    await waitFor('the device on', () => device.power === 'on', 3000);
    await waitFor('the device off after the override expired', () => device.power === 'off', 10_000);
    const after = await worker.status(id);
    expect(after.override).toBeUndefined();
    expect(after.audit.map((entry) => entry.action)).toContain('override expired');
  });

  it('when an open-ended override is cleared with DELETE, then the machine returns to its schedule', async () => {
    const id = 'api-ctl-clear';
    const device = simulator.device(id);
    await startMachine(id);

    const set = await api.call<Accepted>('POST', `/machines/${id}/override`, { json: { power: 'on', reason: 'cleaning crew' } });
    expect(set.status).toBe(202);
    expectDocumented(accepted, set.body);
    expect(set.body).toMatchObject({ status: 'accepted', machine: id, workflowId: `machine-${id}` });
    await waitFor('the device on', () => device.power === 'on', 3000);

    const cleared = await api.call<Applied>('DELETE', `/machines/${id}/override?wait=5s`, { json: { reason: 'cleaning done' } });
    expect(cleared.status).toBe(200);
    expect(cleared.body.machine).toMatchObject({ mode: 'schedule', desired: 'off', desiredSource: 'schedule' });
    expect(cleared.body.machine.audit.at(-1)).toMatchObject({ action: 'override cleared', by: 'api', reason: 'cleaning done' });
    await waitFor('the device back off', () => device.power === 'off', 3000);
  });

  it('when reconcile is posted with ?wait, then the answer says applied and the audit trail names the API', async () => {
    const id = 'api-ctl-clear';
    await startMachine(id);

    const response = await api.call<Applied>('POST', `/machines/${id}/reconcile?wait=5s`);

    expect(response.status).toBe(200);
    expect(response.body.machine.audit.at(-1)).toMatchObject({ action: 'reconcile now', by: 'api', requestId: response.body.requestId });
  });

  it('when a machine is in maintenance, then no command is sent while the device drifts, and it is corrected after DELETE', async () => {
    const id = 'api-ctl-maintenance';
    const device = simulator.device(id);
    device.setPower('on');
    await startMachine(id, ALWAYS_ON);

    const started = await api.call<Applied>('POST', `/machines/${id}/maintenance?wait=5s`, {
      json: { reason: 'lamp change', until: '1h', by: 'technician' },
    });
    expect(started.status).toBe(200);
    expect(started.body.machine).toMatchObject({ mode: 'maintenance', maintenance: { reason: 'lamp change', by: 'technician' } });
    expect(started.body.machine.maintenance?.untilMs).toBeGreaterThan(Date.now() + 59 * 60_000);

    const commandsBefore = device.commands.length;
    device.setPower('off');
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(device.power).toBe('off');
    expect(device.commands.length).toBe(commandsBefore);

    const ended = await api.call<Applied>('DELETE', `/machines/${id}/maintenance?wait=5s`, { json: { reason: 'lamp replaced' } });
    expect(ended.status).toBe(200);
    await waitFor('the device corrected after maintenance', () => device.power === 'on', 3000);
  });

  it('when a group override is posted, then it reaches every machine of the group, reports each, and leaves other groups alone', async () => {
    const specs = [
      ...FOYER.map((id) => machine(id, pjlinkDriver(simulator.device(id).port), { group: 'api-ctl-foyer', schedule: ALWAYS_OFF })),
      machine(LOBBY, pjlinkDriver(simulator.device(LOBBY).port), { group: 'api-ctl-lobby', schedule: ALWAYS_OFF }),
    ];
    await fleet.start(specs);
    // Groups are the venue configuration's, as for an API started on the venue file.
    const venueApi = await startApi({ client: worker.client, taskQueue: worker.taskQueue, venue: venueOf(specs) });
    stopAfterTest.push(venueApi);

    const response = await venueApi.call<BulkResults>('POST', '/groups/api-ctl-foyer/override?wait=10s', {
      json: { power: 'on', until: '1h', reason: 'opening night' },
    });

    expect(response.status).toBe(200);
    expectDocumented(bulkResults, response.body);
    expect(response.body.group).toBe('api-ctl-foyer');
    expect(response.body.results.map((result) => result.machine)).toEqual(FOYER);
    expect(response.body.results.every((result) => result.status === 'applied')).toBe(true);
    expect(new Set(response.body.results.map((result) => result.requestId)).size).toBe(FOYER.length);
    for (const id of FOYER) await waitFor(`${id} on`, () => simulator.device(id).power === 'on', 3000);
    const first = response.body.results[0] as MachineOutcome;
    const status = await worker.status(first.machine);
    expect(status.audit.at(-1)).toMatchObject({ requestId: first.requestId, reason: 'opening night', by: 'api' });
    expect(powerOnCommands(LOBBY)).toBe(0);

    const venue = await venueApi.call<BulkResults>('DELETE', '/venue/override?wait=10s', { json: { reason: 'doors closed' } });
    expect(venue.status).toBe(200);
    expect(venue.body.results.map((result) => result.machine).sort()).toEqual([...FOYER, LOBBY].sort());
    expect(venue.body.results.every((result) => result.status === 'applied')).toBe(true);
    for (const id of FOYER) await waitFor(`${id} back off`, () => simulator.device(id).power === 'off', 3000);
  });
});
