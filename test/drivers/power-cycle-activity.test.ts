/**
 * The powerCycleOutlet activity on a real worker against the suite's dev server: the PDU outlet
 * feeding a machine goes off and on, and the device plugged into it loses and regains its mains.
 */
import path from 'node:path';
import { WorkflowFailedError, type Client } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, Worker, type NativeConnection } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../activities';
import { APC_OUTLET_OBJECTS, pduCycleDeadlineMs, type PduOutletSpec } from '../../activities/drivers/pdu/spec';
import { ACTIVITY_TIMEOUT_MARGIN_MS, powerCycleTimeoutMs } from '../../domain/deadline';
import type { MachineTarget } from '../../domain/types';
import { startSimulator, type Simulator } from '../../simulator';
import { installWorkerRuntime } from '../../worker/runtime';
import { connectClient, connectWorker, uniqueTaskQueue } from '../support/temporal';
import { secretsFrom } from '../support/secrets';
import type { powerCycleAnyDriver, powerCycleOnce } from './power-cycle-workflow';

installWorkerRuntime({ metricsPort: 0, logLevel: 'WARN' });

const COMMUNITY = 'cycle-community';
const OFF_MS = 200;

let simulator: Simulator;
let client: Client;
let connection: NativeConnection;
let worker: Worker;
let running: Promise<void>;
const taskQueue = uniqueTaskQueue('power-cycle');

beforeAll(async () => {
  simulator = await startSimulator({
    devices: [
      { id: 'pdu', kind: 'pdu', community: COMMUNITY, outlets: { 2: 'amp' } },
      { id: 'amp', kind: 'tcp', initialPower: 'on' },
    ],
  });
  client = await connectClient();
  connection = await connectWorker();
  const workflowBundle = await bundleWorkflowCode({ workflowsPath: path.resolve(__dirname, 'power-cycle-workflow.ts'), logger: new DefaultLogger('WARN') });
  worker = await Worker.create({
    connection,
    taskQueue,
    workflowBundle,
    activities: createActivities({ secrets: secretsFrom({ PDU_COMMUNITY: COMMUNITY }) }),
  });
  running = worker.run();
});

afterAll(async () => {
  worker?.shutdown();
  await running;
  await connection?.close();
  await client?.connection.close();
  await simulator?.stop();
});

function outletFeedingAmp(): PduOutletSpec {
  return {
    type: 'pdu',
    host: '127.0.0.1',
    port: simulator.device('pdu').port,
    outlet: 2,
    access: { version: '2c', community: { secret: 'PDU_COMMUNITY' } },
    objects: APC_OUTLET_OBJECTS,
    timeouts: { responseMs: 500 },
  };
}

const amp = (driver: MachineTarget['driver']): MachineTarget => ({ id: 'amp', name: 'Amplifier', address: '127.0.0.1', driver });

describe('powerCycleOutlet activity', () => {
  it('when a machine\'s outlet is power-cycled, then the PDU switches it off and on, the amplifier sees MAINS OFF then MAINS ON, and the detail says what was read', async () => {
    const fed = simulator.device('amp');
    const { detail } = await client.workflow.execute<typeof powerCycleOnce>('powerCycleOnce', {
      taskQueue,
      workflowId: uniqueTaskQueue('cycle'),
      args: [{ ...amp(outletFeedingAmp()), driver: outletFeedingAmp() }, OFF_MS],
    });
    expect(detail).toMatch(new RegExp(`= 2 \\(off\\), then read .*= 2 \\(off\\); off for ${OFF_MS} ms; outlet 2: .*= 1 \\(on\\), then read .*= 1 \\(on\\)$`));
    expect(simulator.device('pdu').commands.map((entry) => entry.command)).toEqual(['outlet 2 immediateOff', 'outlet 2 immediateOn']);
    expect(fed.commands.map((entry) => entry.command)).toEqual(['MAINS OFF', 'MAINS ON']);
    expect(fed.power).toBe('on');
  });

  it('when the driver is not a PDU outlet, then the activity fails with a DeviceConfigError and nothing is switched', async () => {
    const before = simulator.device('pdu').commands.length;
    const run = (driver: MachineTarget['driver']) =>
      client.workflow.execute<typeof powerCycleAnyDriver>('powerCycleAnyDriver', { taskQueue, workflowId: uniqueTaskQueue('not-an-outlet'), args: [amp(driver), OFF_MS] });
    const { outlet: _none, ...wholePdu } = outletFeedingAmp();
    for (const driver of [wholePdu, { type: 'tcp', host: '127.0.0.1', port: 1 } as unknown as MachineTarget['driver']]) {
      const failure = await run(driver).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(WorkflowFailedError);
      expect((failure as WorkflowFailedError).cause?.cause).toMatchObject({ type: 'DeviceConfigError' });
    }
    expect(simulator.device('pdu').commands.length).toBe(before);
  });

  it('then its timeout is the cycle\'s deadline and the margin of every device call', () => {
    expect(powerCycleTimeoutMs(outletFeedingAmp(), OFF_MS)).toBe(pduCycleDeadlineMs(outletFeedingAmp(), OFF_MS) + ACTIVITY_TIMEOUT_MARGIN_MS);
    expect(powerCycleTimeoutMs(outletFeedingAmp(), OFF_MS)).toBe(4 * 500 + OFF_MS + ACTIVITY_TIMEOUT_MARGIN_MS);
  });
});
