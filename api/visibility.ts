/**
 * Machines as Temporal visibility knows them: the search attributes and memo each machine
 * workflow publishes. Listing never queries a workflow, so it costs the same with or without
 * a worker and for 5 or 500 machines.
 */
import type { TypedSearchAttributes } from '@temporalio/common';
import { decodeTypedSearchAttributes } from '@temporalio/common/lib/converter/payload-search-attributes';
import { decodeMapFromPayloads } from '@temporalio/common/lib/internal-non-workflow/codec-helpers';
import { WORKFLOW_ID_PREFIX } from '../inventory/sync';
import {
  ControlMode,
  DesiredPower,
  MachineGroup,
  MachineHealth,
  MachineId,
  ObservedPower,
} from '../workflows/search-attributes';
import type { ApiContext } from './context';
import { invalidField } from './errors';
import { grpcCodeOf, withDeadline } from './temporal-calls';

export interface MachineSummary {
  id: string;
  workflowId: string;
  name?: string;
  address?: string;
  driver?: string;
  group?: string;
  desired?: string;
  observed?: string;
  health?: string;
  mode?: string;
}

/** Each value has been checked against its allowed values or the id pattern before it gets here. */
export interface MachineFilters {
  group?: string;
  health?: string;
  desired?: string;
  observed?: string;
  mode?: string;
}

export interface MachinePage {
  machines: MachineSummary[];
  /** Absent on the last page. */
  nextCursor?: string;
}

const FILTER_ATTRIBUTES: Record<keyof MachineFilters, string> = {
  group: MachineGroup.name,
  health: MachineHealth.name,
  desired: DesiredPower.name,
  observed: ObservedPower.name,
  mode: ControlMode.name,
};

/** Names, ids and enum values only: anything else in a query is a bug, not input to escape. */
const SAFE_LITERAL = /^[A-Za-z0-9._:/-]+$/;

export function isSafeLiteral(value: string): boolean {
  return SAFE_LITERAL.test(value);
}

function literal(value: string): string {
  if (!isSafeLiteral(value)) throw new Error(`refusing to put ${JSON.stringify(value)} into a visibility query`);
  return `'${value}'`;
}

export function visibilityQuery(taskQueue: string, filters: MachineFilters = {}): string {
  const clauses = [`WorkflowType = 'machineWorkflow'`, `ExecutionStatus = 'Running'`, `TaskQueue = ${literal(taskQueue)}`];
  for (const [filter, attribute] of Object.entries(FILTER_ATTRIBUTES) as [keyof MachineFilters, string][]) {
    const value = filters[filter];
    if (value !== undefined) clauses.push(`${attribute} = ${literal(value)}`);
  }
  return clauses.join(' AND ');
}

export function summaryOf(workflowId: string, attributes: TypedSearchAttributes, memo: Record<string, unknown> | undefined): MachineSummary {
  const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
  const summary: MachineSummary = {
    id: attributes.get(MachineId) ?? workflowId.slice(WORKFLOW_ID_PREFIX.length),
    workflowId,
    name: text(memo?.name),
    address: text(memo?.address),
    driver: text(memo?.driver),
    group: attributes.get(MachineGroup),
    desired: attributes.get(DesiredPower),
    observed: attributes.get(ObservedPower),
    health: attributes.get(MachineHealth),
    mode: attributes.get(ControlMode),
  };
  // Absent until the workflow's first check publishes them.
  return Object.fromEntries(Object.entries(summary).filter(([, value]) => value !== undefined)) as unknown as MachineSummary;
}

const GRPC_INVALID_ARGUMENT = 3;

export async function listMachinePage(
  ctx: ApiContext,
  filters: MachineFilters,
  page: { pageSize: number; cursor?: string },
): Promise<MachinePage> {
  const query = visibilityQuery(ctx.taskQueue, filters);
  const nextPageToken = page.cursor === undefined ? undefined : ctx.cursors.decode(page.cursor, query);
  if (page.cursor !== undefined && nextPageToken === undefined) throw staleCursor();
  let response;
  try {
    response = await withDeadline(ctx, () =>
      ctx.client.workflowService.listWorkflowExecutions({ namespace: ctx.namespace, query, pageSize: page.pageSize, nextPageToken }),
    );
  } catch (err) {
    // A token we signed that Temporal no longer accepts: it has expired on the server.
    if (nextPageToken !== undefined && grpcCodeOf(err) === GRPC_INVALID_ARGUMENT) throw staleCursor();
    throw err;
  }
  const converter = ctx.client.options.loadedDataConverter;
  const machines = await Promise.all(
    response.executions.map(async (execution) => {
      const workflowId = execution.execution?.workflowId ?? '';
      const memo = await decodeMapFromPayloads(converter, execution.memo?.fields, { type: 'workflow', namespace: ctx.namespace, workflowId });
      return summaryOf(workflowId, decodeTypedSearchAttributes(execution.searchAttributes?.indexedFields), memo);
    }),
  );
  const token = response.nextPageToken;
  return token && token.length > 0 ? { machines, nextCursor: ctx.cursors.encode(token, query) } : { machines };
}

function staleCursor() {
  return invalidField('cursor', 'cursor: not one this API handed out for these filters, or from before a restart; start again without it');
}

const MEMBERS_PAGE_SIZE = 1000;

/** Every running machine matching the filters, all pages. */
export async function runningMachines(ctx: ApiContext, filters: MachineFilters): Promise<MachineSummary[]> {
  const all: MachineSummary[] = [];
  let cursor: string | undefined;
  do {
    const page = await listMachinePage(ctx, filters, { pageSize: MEMBERS_PAGE_SIZE, cursor });
    all.push(...page.machines);
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return all;
}
