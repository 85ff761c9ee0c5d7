import { randomUUID } from 'node:crypto';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { createActivities } from '../../activities';
import { createReadinessActivities } from '../../alerting/readiness-activities';
import { secretsFrom } from './secrets';
import type { MachineSpec } from '../../domain/types';
import { machineWorkflowId, startMachine } from '../../fleet/machines';
import { configHashOf } from '../../fleet/config-hash';
import { statusQuery, type MachineStatus, type MachineWorkflow } from '../../workflows/machine/contract';
import { createMachineWorker } from '../../worker/create-worker';
import { installWorkerRuntime } from '../../worker/runtime';
import { bundleWorkflows, temporalAddress } from './temporal';

// Worker lifecycle and workflow logs at INFO drown test output; warnings and errors still show.
installWorkerRuntime({ metricsPort: 0, logLevel: 'WARN' });

export interface TestWorker {
  client: Client;
  taskQueue: string;
  /** Starts one machine's workflow the way inventory sync does. */
  startMachine(spec: MachineSpec, ticksPerRun?: number): Promise<WorkflowHandle<MachineWorkflow>>;
  status(id: string): Promise<MachineStatus>;
  /** Terminates every machine workflow this worker started, so tests do not overlap. */
  terminateMachines(): Promise<void>;
  stop(): Promise<void>;
}

export interface TestWorkerOptions {
  /** Poll this task queue instead of a fresh one, e.g. to stand in for a worker that stopped. */
  taskQueue?: string;
  /** Where readiness reports go; unset, they stay in the readiness workflow. */
  alertmanagerUrl?: string;
}

/** A real worker on its own task queue against the suite's dev server; secrets from `secrets`. */
export async function startTestWorker(secrets: Record<string, string> = {}, options: TestWorkerOptions = {}): Promise<TestWorker> {
  const address = temporalAddress();
  const taskQueue = options.taskQueue ?? `test-${randomUUID()}`;
  const nativeConnection = await NativeConnection.connect({ address });
  const connection = await Connection.connect({ address });
  const client = new Client({ connection });
  const worker = await createMachineWorker({
    connection: nativeConnection,
    namespace: 'default',
    taskQueue,
    activities: {
      ...createActivities({ secrets: secretsFrom(secrets) }),
      ...createReadinessActivities({ client, taskQueue, alertmanagerUrl: options.alertmanagerUrl }),
    },
    workflowBundle: await bundleWorkflows(),
  });
  const running = worker.run();
  const started: string[] = [];
  const terminateMachines = async () => {
    const ids = started.splice(0);
    await Promise.allSettled(ids.map((id) => client.workflow.getHandle(id).terminate('test finished')));
  };

  return {
    client,
    taskQueue,
    async startMachine(spec, ticksPerRun) {
      started.push(machineWorkflowId(spec.id));
      return startMachine(client, { taskQueue, spec, configHash: configHashOf(spec), ticksPerRun });
    },
    status: (id) => client.workflow.getHandle(machineWorkflowId(id)).query(statusQuery),
    terminateMachines,
    async stop() {
      await terminateMachines();
      worker.shutdown();
      await running;
      await nativeConnection.close();
      await connection.close();
    },
  };
}
