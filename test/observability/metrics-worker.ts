/**
 * A real worker whose Prometheus endpoint is on, installed the way worker/main.ts does it.
 * test/support/machine-worker.ts installs the runtime with metrics off when imported, and the
 * runtime can be installed once per process, so test files that use this module must not import it.
 */
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { createActivities } from '../../activities';
import { secretsFrom } from '../support/secrets';
import { findFreePort } from '../../devstack/dev-server';
import type { MachineSpec } from '../../domain/types';
import { machineWorkflowId, startMachine } from '../../fleet/machines';
import { configHashOf } from '../../fleet/config-hash';
import { statusQuery, type MachineStatus, type MachineWorkflow } from '../../workflows/machine/contract';
import { createMachineWorker } from '../../worker/create-worker';
import { installWorkerRuntime } from '../../worker/runtime';
import { bundleWorkflows, temporalAddress, temporalNamespace, uniqueTaskQueue } from '../support/temporal';

export interface MetricsWorker {
  /** e.g. 127.0.0.1:41234, for a Prometheus scrape target. */
  metricsAddress: string;
  metricsUrl: string;
  client: Client;
  taskQueue: string;
  /** `ticksPerRun` small makes the machine continue as new often. */
  startMachine(spec: MachineSpec, options?: { ticksPerRun?: number }): Promise<WorkflowHandle<MachineWorkflow>>;
  status(id: string): Promise<MachineStatus>;
  /**
   * Shuts the worker down and starts a new one on the same task queue, which takes the running
   * machines over by replaying them, as after a restart. `meanwhile` runs with no worker polling.
   */
  replaceWorker(meanwhile: () => Promise<void> | void): Promise<void>;
  /** Terminates the machines it started, then stops the worker and closes its connections. */
  stop(): Promise<void>;
}

let installedMetricsAddress: string | undefined;

function installRuntimeWithMetrics(metricsPort: number): string {
  installWorkerRuntime({ metricsPort, logLevel: 'WARN' });
  return `127.0.0.1:${metricsPort}`;
}

/** `secrets`: credentials by name, as the worker's environment would give them. */
export async function startMetricsWorker(secrets: Record<string, string> = {}): Promise<MetricsWorker> {
  installedMetricsAddress ??= installRuntimeWithMetrics(await findFreePort());
  const metricsAddress = installedMetricsAddress;
  const taskQueue = uniqueTaskQueue('observability');
  const namespace = temporalNamespace();
  const nativeConnection = await NativeConnection.connect({ address: temporalAddress() });
  const connection = await Connection.connect({ address: temporalAddress() });
  const client = new Client({ connection, namespace });
  const workflowBundle = await bundleWorkflows();
  const startWorker = async () => {
    const worker = await createMachineWorker({
      connection: nativeConnection,
      namespace,
      taskQueue,
      activities: createActivities({ secrets: secretsFrom(secrets) }),
      workflowBundle,
    });
    return { worker, running: worker.run() };
  };
  let current = await startWorker();
  const started: string[] = [];

  return {
    metricsAddress,
    metricsUrl: `http://${metricsAddress}/metrics`,
    client,
    taskQueue,
    startMachine(spec, options = {}) {
      started.push(machineWorkflowId(spec.id));
      return startMachine(client, { taskQueue, spec, configHash: configHashOf(spec), ...options });
    },
    status(id) {
      return client.workflow.getHandle(machineWorkflowId(id)).query(statusQuery);
    },
    async replaceWorker(meanwhile) {
      current.worker.shutdown();
      await current.running;
      await meanwhile();
      current = await startWorker();
    },
    async stop() {
      await Promise.allSettled(started.map((id) => client.workflow.getHandle(id).terminate('test finished')));
      current.worker.shutdown();
      await current.running;
      await nativeConnection.close();
      await connection.close();
    },
  };
}
