/**
 * Every JSON operation of the API, once: method, path, who may call it, what it reads from the
 * request and what it answers. The routes (api/routes/*.ts) register each entry with its handler
 * (api/routes/route.ts parses the inputs by these schemas) and the OpenAPI document (api/openapi.ts)
 * is generated from the same entries; test/api/openapi.test.ts checks that every entry is registered.
 */
import type { z } from 'zod';
import type { VenueConfig } from '../config/load';
import {
  clearOverrideSignal,
  endMaintenanceSignal,
  reconcileNowSignal,
  setOverrideSignal,
  startMaintenanceSignal,
} from '../workflows/machine/contract';
import { command, type Command } from './control';
import { invalidField } from './errors';
import {
  accepted,
  applied,
  bulkResults,
  errorBody,
  healthReport,
  machineDetail,
  machinePage,
  readinessStatus,
  reportAccepted,
  syncReport,
} from './response-schemas';
import {
  actorBody,
  groupPath,
  listQuery,
  machinePath,
  maintenanceBody,
  mutationQuery,
  noQuery,
  overrideBody,
  reportPath,
  syncBody,
  type ActorBody,
} from './schemas';

export type Method = 'get' | 'post' | 'delete';
/** open: anyone; read: the token unless API_OPEN_READS; write: always the token (unless a local demo). */
export type Access = 'open' | 'read' | 'write';

/** What an operation reads from a request, each part parsed (and refused with a 400) by its schema. */
export interface Inputs {
  path?: z.ZodObject;
  query?: z.ZodObject;
  /** An absent body is parsed as {}. */
  body?: z.ZodType;
}

export interface Answer {
  description: string;
  /** The JSON body; absent for a body the document does not describe. */
  schema?: z.ZodType;
}

export interface ApiOperation<I extends Inputs = Inputs> {
  /** OpenAPI's operationId. */
  id: string;
  method: Method;
  /** With OpenAPI's parameters: /machines/{id}. */
  path: string;
  summary: string;
  description?: string;
  tag: 'machines' | 'groups' | 'venue' | 'system';
  access: Access;
  input: I;
  /** Whether the document says a body must be sent. */
  bodyRequired?: boolean;
  /** By HTTP status. */
  answers: Record<string, Answer>;
}

/** Who changed something when the caller does not say: the token's name. */
export const DEFAULT_ACTOR = 'api';
const NO_REASON = 'no reason given';

const answer = (description: string, schema?: z.ZodType): Answer => ({ description, schema });
const error = (description: string): Answer => answer(description, errorBody);

const COMMON_ERRORS = {
  '400': error('Invalid path, query or body: `error.field` names the culprit.'),
  '401': error('Missing or wrong bearer token.'),
  '413': error('Body larger than 16 KiB.'),
  '415': error('Body is not application/json.'),
  '503': error('Temporal unreachable.'),
};
const READ_ERRORS = { '400': COMMON_ERRORS['400'], '401': COMMON_ERRORS['401'], '503': COMMON_ERRORS['503'] };
const NO_MACHINE = error('No machine with this id.');
const NOT_RUNNING = error("The machine's workflow is not running; run POST /sync.");
const NOT_CONFIGURED = error('The API runs without a venue configuration.');

// ---- Reading ----

export const listMachines: ApiOperation<{ query: typeof listQuery }> = {
  id: 'listMachines',
  method: 'get',
  path: '/machines',
  summary: 'Every machine, from Temporal visibility',
  description: 'Served from search attributes, without querying any workflow; eventually consistent (about a second behind).',
  tag: 'machines',
  access: 'read',
  input: { query: listQuery },
  answers: { '200': answer('One page of machines.', machinePage), ...READ_ERRORS },
};

export const getMachine: ApiOperation<{ path: typeof machinePath; query: typeof noQuery }> = {
  id: 'getMachine',
  method: 'get',
  path: '/machines/{id}',
  summary: 'Full status of one machine',
  description: "The workflow's status query (needs a running worker), its Temporal Web UI link and the last changes with who and why.",
  tag: 'machines',
  access: 'read',
  input: { path: machinePath, query: noQuery },
  answers: {
    '200': answer("The machine's status.", machineDetail),
    ...READ_ERRORS,
    '404': NO_MACHINE,
    '409': NOT_RUNNING,
    '503': error("Temporal unreachable, or no worker answered the query (the body's `machine` has what visibility knows)."),
  },
};

// ---- Changing: five changes, each for one machine, a group or the venue ----

/** One change an operator can make: a signal to each machine workflow it reaches. */
export interface Change<B extends z.ZodType = z.ZodType> {
  /** The operationId's tail: machineSetOverride, groupSetOverride, venueSetOverride. */
  name: string;
  method: 'post' | 'delete';
  /** The last path segment: /machines/{id}/<action>, /groups/{group}/<action>, /venue/<action>. */
  action: 'override' | 'maintenance' | 'reconcile';
  summary: string;
  description: string;
  body: B;
  bodyRequired: boolean;
  /** `venue`: the configuration the API was started with, when it has one, to check names against. */
  toCommand(body: z.output<B>, venue: VenueConfig | undefined): Command;
}

/** Checks each entry against its own body schema; the table holds them alike. */
function change<B extends z.ZodType>(entry: Change<B>): Change {
  return entry as unknown as Change;
}

function actorOf(body: ActorBody) {
  return { by: body.by ?? DEFAULT_ACTOR, reason: body.reason ?? NO_REASON };
}

const CHANGES: readonly Change[] = [
  change({
    name: 'SetOverride',
    method: 'post',
    action: 'override',
    summary: 'Force power, a scene or aspects',
    description:
      'Forces the power state, a scene of the venue, single aspects (input, mute, volume, ...), or several of them, until `until` (or until cleared), whatever the schedule says. What it leaves out follows the schedule.',
    body: overrideBody,
    bodyRequired: true,
    toCommand: ({ power, scene, aspects, until, reason, by }, venue) => {
      if (scene !== undefined && venue && !venue.scenes.includes(scene)) {
        const declared = venue.scenes.length === 0 ? 'no scenes are declared' : `declared scenes: ${venue.scenes.join(', ')}`;
        throw invalidField('scene', `scene: no scene "${scene}" in the venue configuration ${venue.file}; ${declared}`);
      }
      return command(
        setOverrideSignal,
        { ...(power && { power }), ...(scene && { scene }), ...(aspects && { aspects }), untilMs: until, reason, by: by ?? DEFAULT_ACTOR },
        `override ${[power, scene && `scene ${scene}`, ...Object.keys(aspects ?? {})].filter(Boolean).join(' ')}`,
      );
    },
  }),
  change({
    name: 'ClearOverride',
    method: 'delete',
    action: 'override',
    summary: 'Back to the schedule',
    description: 'Ends the override; the schedule applies again at once.',
    body: actorBody,
    bodyRequired: false,
    toCommand: (body) => command(clearOverrideSignal, actorOf(body), 'clear override'),
  }),
  change({
    name: 'StartMaintenance',
    method: 'post',
    action: 'maintenance',
    summary: 'Start maintenance',
    description: 'The controller leaves the machine alone (no probes, no commands, no alerts) until `until` or until ended.',
    body: maintenanceBody,
    bodyRequired: true,
    toCommand: ({ until, reason, by }) =>
      command(startMaintenanceSignal, { untilMs: until, reason, by: by ?? DEFAULT_ACTOR }, 'start maintenance'),
  }),
  change({
    name: 'EndMaintenance',
    method: 'delete',
    action: 'maintenance',
    summary: 'End maintenance',
    description: 'The controller checks and corrects the machine again, starting now.',
    body: actorBody,
    bodyRequired: false,
    toCommand: (body) => command(endMaintenanceSignal, actorOf(body), 'end maintenance'),
  }),
  change({
    name: 'Reconcile',
    method: 'post',
    action: 'reconcile',
    summary: 'Check and correct now',
    description: 'Runs a check now instead of at the next tick.',
    body: actorBody,
    bodyRequired: false,
    toCommand: (body) => command(reconcileNowSignal, actorOf(body), 'reconcile now'),
  }),
];

export interface ChangeOperation<P extends Inputs['path'] = Inputs['path']>
  extends ApiOperation<{ path: P; query: typeof mutationQuery; body: z.ZodType }> {
  change: Change;
}

type Scope<P> = Pick<ApiOperation, 'id' | 'path' | 'summary' | 'description' | 'tag' | 'answers'> & { pathInput: P };

function changeOperation<P extends Inputs['path']>(entry: Change, scope: Scope<P>): ChangeOperation<P> {
  return {
    id: scope.id,
    method: entry.method,
    path: scope.path,
    summary: scope.summary,
    description: scope.description,
    tag: scope.tag,
    access: 'write',
    input: { path: scope.pathInput, query: mutationQuery, body: entry.body },
    bodyRequired: entry.bodyRequired,
    answers: scope.answers,
    change: entry,
  };
}

export const MACHINE_CHANGES: readonly ChangeOperation<typeof machinePath>[] = CHANGES.map((entry) =>
  changeOperation(entry, {
    id: `machine${entry.name}`,
    path: `/machines/{id}/${entry.action}`,
    pathInput: machinePath,
    summary: `${entry.summary} (one machine)`,
    description: `${entry.description} Sent as a Temporal signal: durable while the worker is down. Answers 202 once accepted, or 200 with the status once applied when \`?wait\` is given and the workflow applied it in time.`,
    tag: 'machines',
    answers: {
      '200': answer('Applied within `?wait`: the audit trail shows the requestId.', applied),
      '202': answer('Accepted: the signal is stored and will be applied in order.', accepted),
      ...COMMON_ERRORS,
      '404': NO_MACHINE,
      '409': NOT_RUNNING,
    },
  }),
);

const BULK_ANSWER = answer('Outcome per machine of the venue configuration.', bulkResults);

export const GROUP_CHANGES: readonly ChangeOperation<typeof groupPath>[] = CHANGES.map((entry) =>
  changeOperation(entry, {
    id: `group${entry.name}`,
    path: `/groups/{group}/${entry.action}`,
    pathInput: groupPath,
    summary: `${entry.summary} (every machine of a group)`,
    description: `${entry.description} One signal per machine of the group in the venue configuration, each with its own requestId.`,
    tag: 'groups',
    answers: { '200': BULK_ANSWER, ...COMMON_ERRORS, '404': error('No group of this name in the venue configuration.'), '409': NOT_CONFIGURED },
  }),
);

export const VENUE_CHANGES: readonly ChangeOperation<undefined>[] = CHANGES.map((entry) =>
  changeOperation(entry, {
    id: `venue${entry.name}`,
    path: `/venue/${entry.action}`,
    summary: `${entry.summary} (every machine of the venue)`,
    description: `${entry.description} One signal per machine of the venue configuration, each with its own requestId.`,
    pathInput: undefined,
    tag: 'venue',
    answers: { '200': BULK_ANSWER, ...COMMON_ERRORS, '409': NOT_CONFIGURED },
  }),
);

// ---- Readiness reports ----

const NO_READINESS = error("The venue file has no `readiness:` section, or POST /sync has not run since it got one.");

export const getReadiness: ApiOperation<{ query: typeof noQuery }> = {
  id: 'getReadiness',
  method: 'get',
  path: '/readiness',
  summary: 'The doors-open and after-closing reports',
  description: "The venue's readiness workflow: the next report, the one being made, and the last reports with every machine not ready and why.",
  tag: 'venue',
  access: 'read',
  input: { query: noQuery },
  answers: { '200': answer('The reports, newest first.', readinessStatus), ...READ_ERRORS, '404': NO_READINESS },
};

export const runReadinessReport: ApiOperation<{ path: typeof reportPath; body: typeof actorBody }> = {
  id: 'runReadinessReport',
  method: 'post',
  path: '/readiness/{kind}',
  summary: 'Make a report now',
  description:
    'Checks every machine now, asks the lagging ones to correct themselves once more, and reports (through Alertmanager, like the scheduled reports), about the next opening or the last closing. The scheduled report still runs.',
  tag: 'venue',
  access: 'write',
  input: { path: reportPath, body: actorBody },
  bodyRequired: false,
  answers: { '202': answer('Accepted: GET /readiness shows it running, then its report.', reportAccepted), ...COMMON_ERRORS, '404': NO_READINESS },
};

// ---- The system ----

export const sync: ApiOperation<{ body: typeof syncBody }> = {
  id: 'sync',
  method: 'post',
  path: '/sync',
  summary: 'Apply the venue configuration',
  description: 'Starts missing machine workflows, signals changed ones and retires removed ones.',
  tag: 'system',
  access: 'write',
  input: { body: syncBody },
  bodyRequired: false,
  answers: { '200': answer('What changed.', syncReport), ...COMMON_ERRORS, '409': NOT_CONFIGURED },
};

export const health: ApiOperation = {
  id: 'health',
  method: 'get',
  path: '/healthz',
  summary: 'Temporal reachable and a worker polling',
  tag: 'system',
  access: 'open',
  input: {},
  answers: { '200': answer('Healthy.', healthReport), '503': answer('Which part is failing.', healthReport) },
};

export const describeApi: ApiOperation = {
  id: 'openapi',
  method: 'get',
  path: '/openapi.json',
  summary: 'This document',
  tag: 'system',
  access: 'open',
  input: {},
  answers: { '200': answer('OpenAPI 3.1 document.') },
};

/** Every operation, in the order the document lists them. */
export const OPERATIONS: readonly ApiOperation[] = [
  listMachines,
  getMachine,
  ...MACHINE_CHANGES,
  ...GROUP_CHANGES,
  ...VENUE_CHANGES,
  getReadiness,
  runReadinessReport,
  sync,
  health,
  describeApi,
];
