/**
 * Self-healing through the real worker: a machine on a PDU outlet that stays failing gets its
 * outlet power-cycled, once per period, audited as the controller's doing.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { PowerCyclePolicy } from '../../domain/dependencies';
import { startSimulator, type Simulator } from '../../simulator';
import { failedChecksWithinMs } from '../support/budgets';
import { startTestWorker, type TestWorker } from '../support/machine-worker';
import { waitFor } from '../support/wait-for';
import { dependencies, lineDriver, machine, pduDriver } from '../support/specs';

const COMMUNITY = 'cycle-workflow-community';
const cycle: PowerCyclePolicy = { afterFailures: 3, atMostEveryMs: 3_600_000, offMs: 1_000 };

let simulator: Simulator;
let worker: TestWorker;

beforeAll(async () => {
  simulator = await startSimulator({
    devices: [
      { id: 'pdu', kind: 'pdu', community: COMMUNITY, outlets: { 1: 'wedged', 2: 'dead' } },
      // Firmware that locks up until its mains go: only a power cycle brings it back.
      { id: 'wedged', kind: 'tcp', initialPower: 'on', fault: { mode: 'hang', clearedBy: 'power-cycle' } },
      // Hangs whatever happens: a cycle does not help, and it must not be cycled again and again.
      { id: 'dead', kind: 'tcp', initialPower: 'on', fault: { mode: 'hang' } },
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

function onOutlet(id: string, outlet: number) {
  const pduPort = simulator.device('pdu').port;
  return machine(id, lineDriver(simulator.device(id).port), {
    dependencies: dependencies(['pdu'], []),
    poweredBy: { pdu: 'pdu', outlet, driver: pduDriver(pduPort, 'PDU_COMMUNITY', outlet), cycle },
  });
}

/** The PDU as a whole: a machine is cycled only through a PDU that last reported healthy. */
async function startPdu(fed: string): Promise<void> {
  await worker.startMachine(machine('pdu', pduDriver(simulator.device('pdu').port, 'PDU_COMMUNITY'), { probeOnly: true, dependencies: dependencies([], [fed]) }));
}

function cyclesOf(id: string, outlet: number): string[] {
  return simulator.device('pdu').commands.map((entry) => entry.command).filter((command) => command.startsWith(`outlet ${outlet} `)).concat(
    simulator.device(id).commands.map((entry) => entry.command).filter((command) => command.startsWith('MAINS')),
  );
}

describe('power cycling an outlet whose machine stays failing, against a real dev server', () => {
  it('when a device hangs until its mains go, then after three failed checks its outlet is cycled, it comes back, and the audit says the controller did it', async () => {
    const spec = onOutlet('wedged', 1);
    await startPdu('wedged');
    await worker.startMachine(spec);
    const status = await waitFor('the machine healthy after a power cycle', async () => {
      const s = await worker.status('wedged');
      return s.dependencies?.poweredBy?.lastCycleMs !== undefined && s.health === 'ok' && s.observed?.power === 'on' && s;
    }, failedChecksWithinMs(spec, cycle.afterFailures + 2) + cycle.offMs);

    expect(cyclesOf('wedged', 1)).toEqual(['outlet 1 immediateOff', 'outlet 1 immediateOn', 'MAINS OFF', 'MAINS ON']);
    const cycled = status.audit.find((entry) => entry.action === 'power cycle pdu outlet 1');
    expect(cycled).toMatchObject({ by: 'controller', reason: expect.stringMatching(/^3 failed checks in a row; /) });
  });

  it('when a power cycle does not help, then the machine is cycled once in the period and alerts as failing', async () => {
    const spec = onOutlet('dead', 2);
    await startPdu('dead');
    await worker.startMachine(spec);
    await waitFor('a power cycle', async () => (await worker.status('dead')).dependencies?.poweredBy?.lastCycleMs !== undefined, failedChecksWithinMs(spec, cycle.afterFailures + 1) + cycle.offMs);
    await waitFor('three more failed checks', async () => (await worker.status('dead')).consecutiveFailures >= 2 * cycle.afterFailures, failedChecksWithinMs(spec, cycle.afterFailures + 1));

    const status = await worker.status('dead');
    expect(status.health).toBe('failing');
    expect(status.audit.filter((entry) => entry.action.startsWith('power cycle'))).toHaveLength(1);
    expect(simulator.device('pdu').commands.filter((entry) => entry.command === 'outlet 2 immediateOff')).toHaveLength(1);
  });
});
