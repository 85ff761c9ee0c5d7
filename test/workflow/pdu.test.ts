/**
 * Machines on PDU outlets through the real worker: the schedule switches the outlet, and with it
 * the simulated device plugged into it, which has no other control.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { APC_OUTLET_OBJECTS, type PduDriverSpec } from '../../activities/drivers/pdu/spec';
import { startSimulator, type Simulator } from '../../simulator';
import { correctedWithinMs } from '../support/budgets';
import { startTestWorker, type TestWorker } from '../support/machine-worker';
import { waitFor } from '../support/wait-for';
import { ALWAYS_OFF, ALWAYS_ON, machine } from '../support/specs';

const COMMUNITY = 'workflow-pdu-community';

let simulator: Simulator;
let worker: TestWorker;

beforeAll(async () => {
  simulator = await startSimulator({
    devices: [
      { id: 'pdu', kind: 'pdu', community: COMMUNITY, initialOutlets: { 1: 'off', 2: 'on' }, outlets: { 1: 'amp', 2: 'player' } },
      { id: 'amp', kind: 'tcp', initialPower: 'on' },
      { id: 'player', kind: 'http', initialPower: 'on', bootMs: 0 },
    ],
  });
  worker = await startTestWorker({ PDU_COMMUNITY: COMMUNITY });
});

afterEach(async () => {
  await worker.terminateMachines();
});

afterAll(async () => {
  await worker?.stop();
  await simulator?.stop();
});

function outlet(number: number): PduDriverSpec {
  return {
    type: 'pdu',
    host: '127.0.0.1',
    port: simulator.device('pdu').port,
    outlet: number,
    access: { version: '2c', community: { secret: 'PDU_COMMUNITY' } },
    objects: APC_OUTLET_OBJECTS,
    timeouts: { responseMs: 500 },
  };
}

describe('machines on PDU outlets, against a real dev server and a simulated PDU', () => {
  it('when the schedule wants an amplifier on whose outlet is off, then its outlet is switched on within a tick and the amplifier comes up', async () => {
    const spec = machine('amp', outlet(1), { schedule: ALWAYS_ON });
    await worker.startMachine(spec);
    const pdu = simulator.device('pdu', 'pdu');
    await waitFor('the outlet on', () => pdu.outlet(1) === 'on', correctedWithinMs(spec));
    expect(simulator.device('amp').power).toBe('on');
    const status = await waitFor('a check that saw it on', async () => {
      const s = await worker.status('amp');
      return s.observed?.power === 'on' && s;
    });
    expect(status).toMatchObject({ desired: 'on', health: 'ok' });
    expect(pdu.commands.map((entry) => entry.command)).toEqual(['outlet 1 immediateOn']);
  });

  it('when the schedule wants a player off whose outlet is on, then the outlet is switched off and the player loses its mains', async () => {
    const spec = machine('player', outlet(2), { schedule: ALWAYS_OFF });
    await worker.startMachine(spec);
    const pdu = simulator.device('pdu', 'pdu');
    await waitFor('the outlet off', () => pdu.outlet(2) === 'off', correctedWithinMs(spec));
    expect(simulator.device('player').power).toBe('off');
    expect(simulator.device('player').commands.map((entry) => entry.command)).toEqual(['MAINS OFF']);
    await waitFor('a check that saw it off', async () => (await worker.status('player')).observed?.power === 'off');
  });
});
