/**
 * The machine workflows of a task queue as a client sees them: how one is started and named, and
 * which are running. Inventory sync, the API, tests and benchmarks all start and list machines here.
 * Listing never queries a workflow, so it costs the same with or without a worker and for 5 or
 * 500 machines.
 */
import type { Client, WorkflowHandle } from '@temporalio/client';
import type { SearchAttributePair, TypedSearchAttributes } from '@temporalio/common';
import { decodeTypedSearchAttributes } from '@temporalio/common/lib/converter/payload-search-attributes';
import { decodeMapFromPayloads } from '@temporalio/common/lib/internal-non-workflow/codec-helpers';
import type { MachineSpec } from '../domain/types';
import {
  ControlMode,
  DesiredPower,
  MACHINE_WORKFLOW_TYPE,
  MachineGroup,
  MachineHealth,
  machineIdOf,
  MachineId,
  machineWorkflowId,
  memoOf,
  ObservedPower,
  type MachineWorkflow,
} from '../workflows/machine/contract';

export { machineWorkflowId };

export interface StartMachineOptions {
  taskQueue: string;
  spec: MachineSpec;
  configHash: string;
  /** Tests use a small number to exercise continue-as-new. */
  ticksPerRun?: number;
  /**
   * Search attributes to list the machine by until its first check publishes its own: for a
   * venue seeded without a worker (test/board/seed.ts).
   */
  listedAs?: SearchAttributePair[];
}

/**
 * Starts a machine's workflow, or answers the one already running: USE_EXISTING, so a stale
 * visibility listing can never create a second workflow for a machine.
 */
export function startMachine(client: Client, options: StartMachineOptions): Promise<WorkflowHandle<MachineWorkflow>> {
  const { spec, configHash } = options;
  return client.workflow.start<MachineWorkflow>(MACHINE_WORKFLOW_TYPE, {
    workflowId: machineWorkflowId(spec.id),
    taskQueue: options.taskQueue,
    args: [{ spec, configHash, ticksPerRun: options.ticksPerRun }],
    workflowIdConflictPolicy: 'USE_EXISTING',
    memo: memoOf(spec, configHash),
    typedSearchAttributes: [{ key: MachineId, value: spec.id }, { key: MachineGroup, value: spec.group }, ...(options.listedAs ?? [])],
    staticSummary: `${spec.name} (${spec.driver.type} at ${spec.address})`,
  });
}

/** Search attribute values a listing keeps; absent filters match every machine. */
export interface MachineFilters {
  group?: string;
  health?: string;
  desired?: string;
  observed?: string;
  mode?: string;
}

const FILTER_ATTRIBUTES: Record<keyof MachineFilters, string> = {
  group: MachineGroup.name,
  health: MachineHealth.name,
  desired: DesiredPower.name,
  observed: ObservedPower.name,
  mode: ControlMode.name,
};

export function runningMachinesQuery(taskQueue: string, filters: MachineFilters = {}): string {
  const clauses = [`WorkflowType = ${literal(MACHINE_WORKFLOW_TYPE)}`, `ExecutionStatus = 'Running'`, `TaskQueue = ${literal(taskQueue)}`];
  for (const [filter, attribute] of Object.entries(FILTER_ATTRIBUTES) as [keyof MachineFilters, string][]) {
    const value = filters[filter];
    if (value !== undefined) clauses.push(`${attribute} = ${literal(value)}`);
  }
  return clauses.join(' AND ');
}

/** A quoted value whose quotes and backslashes are escaped, so no value can end the literal and add a clause. */
function literal(value: string): string {
  return `'${value.replace(/[\\']/g, (character) => `\\${character}`)}'`;
}

export interface RunningMachine {
  id: string;
  workflowId: string;
  /** Those of MachineId and MachineGroup from the start; the others from the machine's first check. */
  searchAttributes: TypedSearchAttributes;
  memo?: Record<string, unknown>;
}

export interface RunningMachinesPage {
  machines: RunningMachine[];
  /** Absent on the last page. */
  nextPageToken?: Uint8Array;
}

/**
 * One page of a runningMachinesQuery listing. The SDK's client.workflow.list() neither starts from
 * a page token nor hands one out, and GET /machines gives its callers Temporal's page tokens as
 * cursors (api/cursor.ts), so this lists through the workflow service and decodes memo and search
 * attributes itself.
 */
export async function runningMachinesPage(
  client: Client,
  query: string,
  page: { pageSize: number; pageToken?: Uint8Array },
): Promise<RunningMachinesPage> {
  const { namespace, loadedDataConverter } = client.options;
  const response = await client.workflowService.listWorkflowExecutions({ namespace, query, pageSize: page.pageSize, nextPageToken: page.pageToken });
  const listed = await Promise.all(
    response.executions.map(async (execution): Promise<RunningMachine | undefined> => {
      const workflowId = execution.execution?.workflowId ?? '';
      const id = machineIdOf(workflowId);
      if (id === undefined) return undefined;
      const memo = await decodeMapFromPayloads(loadedDataConverter, execution.memo?.fields, { type: 'workflow', namespace, workflowId });
      return { id, workflowId, searchAttributes: decodeTypedSearchAttributes(execution.searchAttributes?.indexedFields), memo };
    }),
  );
  const machines = listed.filter((machine): machine is RunningMachine => machine !== undefined);
  const token = response.nextPageToken;
  return token && token.length > 0 ? { machines, nextPageToken: token } : { machines };
}

const PAGE_SIZE = 1000;

export interface RunningMachinesOptions {
  filters?: MachineFilters;
  /** Runs each page's call to Temporal: the API bounds every one by its deadline. */
  eachPage?: (listPage: () => Promise<RunningMachinesPage>) => Promise<RunningMachinesPage>;
}

/** Every running machine of the task queue that matches the filters, all pages. */
export async function runningMachines(client: Client, taskQueue: string, options: RunningMachinesOptions = {}): Promise<RunningMachine[]> {
  const query = runningMachinesQuery(taskQueue, options.filters);
  const eachPage = options.eachPage ?? ((listPage) => listPage());
  const all: RunningMachine[] = [];
  let pageToken: Uint8Array | undefined;
  do {
    const page = await eachPage(() => runningMachinesPage(client, query, { pageSize: PAGE_SIZE, pageToken }));
    all.push(...page.machines);
    pageToken = page.nextPageToken;
  } while (pageToken !== undefined);
  return all;
}
