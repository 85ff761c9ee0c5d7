/**
 * Machines as Temporal visibility knows them (fleet/machines.ts), as the API shows them: the
 * search attributes and memo each machine workflow publishes, and pages with signed cursors.
 */
import {
  runningMachines,
  runningMachinesPage,
  runningMachinesQuery,
  type MachineFilters,
  type RunningMachine,
} from '../fleet/machines';
import {
  AspectsInWantedState,
  ControlMode,
  DEPENDENCY_MEMO,
  DesiredPower,
  MachineGroup,
  MachineHealth,
  ObservedPower,
  type DependencyMemo,
} from '../workflows/machine/contract';
import type { ApiContext } from './context';
import type { MachinePage, MachineSummary } from './response-schemas';
import { invalidField } from './errors';
import { grpcCodeOf, withDeadline } from './temporal-calls';

export function summaryOf(machine: RunningMachine): MachineSummary {
  const { searchAttributes: attributes, memo } = machine;
  const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
  const summary = {
    id: machine.id,
    workflowId: machine.workflowId,
    name: text(memo?.name),
    address: text(memo?.address),
    driver: text(memo?.driver),
    group: attributes.get(MachineGroup),
    desired: attributes.get(DesiredPower),
    observed: attributes.get(ObservedPower),
    health: attributes.get(MachineHealth),
    mode: attributes.get(ControlMode),
    aspectsInWantedState: attributes.get(AspectsInWantedState),
    dependencies: dependencyMemoOf(memo?.[DEPENDENCY_MEMO]),
  };
  // Absent until the workflow's first check publishes them; the values are those the workflow writes (workflows/machine/status.ts).
  return Object.fromEntries(Object.entries(summary).filter(([, value]) => value !== undefined)) as unknown as MachineSummary;
}

/** The memo as the workflow writes it (workflows/machine/status.ts); anything else is not shown. */
function dependencyMemoOf(value: unknown): DependencyMemo | undefined {
  if (typeof value !== 'object' || value === null || typeof (value as DependencyMemo).note !== 'string') return undefined;
  return value as DependencyMemo;
}

const GRPC_INVALID_ARGUMENT = 3;

export async function listMachinePage(
  ctx: ApiContext,
  filters: MachineFilters,
  page: { pageSize: number; cursor?: string },
): Promise<MachinePage> {
  const query = runningMachinesQuery(ctx.taskQueue, filters);
  const pageToken = page.cursor === undefined ? undefined : ctx.cursors.decode(page.cursor, query);
  if (page.cursor !== undefined && pageToken === undefined) throw staleCursor();
  let listed;
  try {
    listed = await withDeadline(ctx, () => runningMachinesPage(ctx.client, query, { pageSize: page.pageSize, pageToken }));
  } catch (err) {
    // A token we signed that Temporal no longer accepts: it has expired on the server.
    if (pageToken !== undefined && grpcCodeOf(err) === GRPC_INVALID_ARGUMENT) throw staleCursor();
    throw err;
  }
  const machines = listed.machines.map(summaryOf);
  return listed.nextPageToken ? { machines, nextCursor: ctx.cursors.encode(listed.nextPageToken, query) } : { machines };
}

function staleCursor() {
  return invalidField('cursor', 'cursor: not one this API handed out for these filters, or from before a restart; start again without it');
}

/** Every running machine matching the filters, all pages, each page's call under the API's deadline. */
export async function machineSummaries(ctx: ApiContext, filters: MachineFilters): Promise<MachineSummary[]> {
  const running = await runningMachines(ctx.client, ctx.taskQueue, { filters, eachPage: (listPage) => withDeadline(ctx, listPage) });
  return running.map(summaryOf);
}
