/**
 * For integration tests against the dev server that test/global-setup.ts starts once per run.
 * Tests share that server: give each test its own task queue and workflow ids.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { inject } from 'vitest';

export function temporalAddress(): string {
  return inject('temporalAddress');
}

export function temporalNamespace(): string {
  return inject('temporalNamespace');
}

/** The caller closes it: `await client.connection.close()`. */
export async function connectClient(): Promise<Client> {
  const connection = await Connection.connect({ address: temporalAddress() });
  return new Client({ connection, namespace: temporalNamespace() });
}

/** For Worker.create; the caller closes it after the worker has stopped. */
export function connectWorker(): Promise<NativeConnection> {
  return NativeConnection.connect({ address: temporalAddress() });
}

export function uniqueTaskQueue(label: string): string {
  return `${label}-${randomUUID()}`;
}

let workflowBundle: Promise<WorkflowBundleWithSourceMap> | undefined;

/**
 * The project's workflows bundled once per test process; pass it as `workflowBundle` to
 * Worker.create (workflowsPath would re-bundle for every worker, seconds each time).
 */
export function bundleWorkflows(): Promise<WorkflowBundleWithSourceMap> {
  workflowBundle ??= bundleWorkflowCode({
    workflowsPath: path.resolve(__dirname, '../../workflows/index.ts'),
    logger: new DefaultLogger('WARN'),
  });
  return workflowBundle;
}
