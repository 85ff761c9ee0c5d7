/**
 * The API described in OpenAPI 3.1. Request schemas are generated from the zod schemas that
 * the routes enforce; test/api/openapi.test.ts checks that the paths and methods here are
 * exactly the routes the app registers.
 */
import { z } from 'zod';
import { DRIVER_TYPES } from '../activities/drivers/specs';
import { idField } from '../config/fields';
import { DESIRED_VALUES, HEALTH_VALUES, MODE_VALUES, OBSERVED_VALUES } from '../workflows/machine/contract';
import { actorBody, listQuery, maintenanceBody, MAX_WAIT_MS, mutationQuery, overrideBody, syncBody } from './schemas';

export type JsonSchema = { [keyword: string]: unknown };

export interface Parameter {
  name: string;
  in: 'path' | 'query';
  required?: boolean;
  description?: string;
  schema: JsonSchema;
}

export interface Response {
  description: string;
  content?: { 'application/json': { schema: JsonSchema } };
}

export interface Operation {
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  /** Absent: the document's default (the bearer token). Empty: open. */
  security?: Record<string, string[]>[];
  parameters?: Parameter[];
  requestBody?: { required: boolean; content: { 'application/json': { schema: JsonSchema } } };
  responses: Record<string, Response>;
}

export type Method = 'get' | 'post' | 'delete';

export interface OpenApiDocument {
  openapi: '3.1.0';
  info: { title: string; version: string; description: string };
  security: Record<string, string[]>[];
  components: { securitySchemes: Record<string, JsonSchema>; schemas: Record<string, JsonSchema> };
  paths: Record<string, Partial<Record<Method, Operation>>>;
}

function inputSchema(schema: z.ZodType): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io: 'input', target: 'draft-2020-12' });
  return rest;
}

/** One query parameter per property of a strict query schema. */
function queryParameters(schema: z.ZodObject): Parameter[] {
  const json = inputSchema(schema) as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, property]) => {
    const { description, ...propertySchema } = property;
    return {
      name,
      in: 'query',
      required: json.required?.includes(name) ?? false,
      ...(typeof description === 'string' ? { description } : {}),
      schema: propertySchema,
    };
  });
}

const ref = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });
const json = (description: string, schema: JsonSchema): Response => ({ description, content: { 'application/json': { schema } } });
const error = (description: string): Response => json(description, ref('Error'));
const body = (schema: z.ZodType, required: boolean) => ({ required, content: { 'application/json': { schema: inputSchema(schema) } } });

const idParameter: Parameter = { name: 'id', in: 'path', required: true, description: 'Machine id from the venue configuration.', schema: ref('Id') };
const groupParameter: Parameter = { name: 'group', in: 'path', required: true, description: 'Group name from the venue configuration.', schema: ref('Id') };
const waitParameters = queryParameters(mutationQuery);

const common: Record<string, Response> = {
  '400': error('Invalid path, query or body: `error.field` names the culprit.'),
  '401': error('Missing or wrong bearer token.'),
  '413': error('Body larger than 16 KiB.'),
  '415': error('Body is not application/json.'),
  '503': error('Temporal unreachable.'),
};

interface Change {
  id: string;
  summary: string;
  description: string;
  schema: z.ZodType;
  bodyRequired: boolean;
}

const CHANGES: Record<string, Change> = {
  setOverride: {
    id: 'SetOverride',
    summary: 'Force on or off',
    description: 'Forces the power state until `until` (or until cleared), whatever the schedule says.',
    schema: overrideBody,
    bodyRequired: true,
  },
  clearOverride: {
    id: 'ClearOverride',
    summary: 'Back to the schedule',
    description: 'Ends the override; the schedule applies again at once.',
    schema: actorBody,
    bodyRequired: false,
  },
  startMaintenance: {
    id: 'StartMaintenance',
    summary: 'Start maintenance',
    description: 'The controller leaves the machine alone (no probes, no commands, no alerts) until `until` or until ended.',
    schema: maintenanceBody,
    bodyRequired: true,
  },
  endMaintenance: {
    id: 'EndMaintenance',
    summary: 'End maintenance',
    description: 'The controller checks and corrects the machine again, starting now.',
    schema: actorBody,
    bodyRequired: false,
  },
  reconcile: {
    id: 'Reconcile',
    summary: 'Check and correct now',
    description: 'Runs a check now instead of at the next tick.',
    schema: actorBody,
    bodyRequired: false,
  },
};

function machineChange(change: Change): Operation {
  return {
    operationId: `machine${change.id}`,
    summary: `${change.summary} (one machine)`,
    description: `${change.description} Sent as a Temporal signal: durable while the worker is down. Answers 202 once accepted, or 200 with the status once applied when \`?wait\` is given and the workflow applied it in time.`,
    tags: ['machines'],
    parameters: [idParameter, ...waitParameters],
    requestBody: body(change.schema, change.bodyRequired),
    responses: {
      '200': json('Applied within `?wait`: the audit trail shows the requestId.', ref('Applied')),
      '202': json('Accepted: the signal is stored and will be applied in order.', ref('Accepted')),
      ...common,
      '404': error('No machine with this id.'),
      '409': error('The machine\'s workflow is not running; run POST /sync.'),
    },
  };
}

function groupChange(change: Change): Operation {
  return {
    operationId: `group${change.id}`,
    summary: `${change.summary} (every machine of a group)`,
    description: `${change.description} One signal per running machine of the group, each with its own requestId.`,
    tags: ['groups'],
    parameters: [groupParameter, ...waitParameters],
    requestBody: body(change.schema, change.bodyRequired),
    responses: { '200': json('Outcome per machine.', ref('BulkResults')), ...common, '404': error('No running machine in this group.') },
  };
}

function venueChange(change: Change): Operation {
  return {
    operationId: `venue${change.id}`,
    summary: `${change.summary} (every machine of the venue)`,
    description: `${change.description} One signal per running machine, each with its own requestId.`,
    tags: ['venue'],
    parameters: waitParameters,
    requestBody: body(change.schema, change.bodyRequired),
    responses: { '200': json('Outcome per machine.', ref('BulkResults')), ...common, '404': error('No running machine.') },
  };
}

function changesAt(scope: (change: Change) => Operation, action: 'override' | 'maintenance' | 'reconcile') {
  if (action === 'override') return { post: scope(CHANGES.setOverride as Change), delete: scope(CHANGES.clearOverride as Change) };
  if (action === 'maintenance') return { post: scope(CHANGES.startMaintenance as Change), delete: scope(CHANGES.endMaintenance as Change) };
  return { post: scope(CHANGES.reconcile as Change) };
}

const text = { type: 'string' };
const errorDetail = {
  type: 'object',
  required: ['code', 'message'],
  properties: { code: text, message: text, field: { ...text, description: 'The offending field, query parameter or path parameter.' } },
};
const timeMs = { type: 'integer', description: 'Milliseconds since the Unix epoch.' };

const schemas: Record<string, JsonSchema> = {
  Id: inputSchema(idField),
  Error: {
    type: 'object',
    required: ['error'],
    properties: { error: errorDetail },
  },
  Accepted: {
    type: 'object',
    required: ['requestId', 'machine', 'workflowId', 'status'],
    properties: { requestId: { ...text, format: 'uuid' }, machine: text, workflowId: text, status: { const: 'accepted' } },
  },
  Applied: {
    type: 'object',
    required: ['requestId', 'status', 'machine'],
    properties: { requestId: { ...text, format: 'uuid' }, status: { const: 'applied' }, machine: ref('MachineStatus') },
  },
  BulkResults: {
    type: 'object',
    required: ['results'],
    properties: {
      group: text,
      results: {
        type: 'array',
        items: {
          type: 'object',
          required: ['machine', 'status'],
          properties: {
            machine: text,
            requestId: { ...text, format: 'uuid' },
            status: { enum: ['applied', 'accepted', 'failed'] },
            error: { type: 'object', properties: { code: text, message: text } },
          },
        },
      },
    },
  },
  MachineSummary: {
    type: 'object',
    required: ['id', 'workflowId'],
    description: 'What Temporal visibility knows; the power and health fields appear after the first check.',
    properties: {
      id: text,
      workflowId: text,
      name: text,
      address: text,
      driver: { enum: DRIVER_TYPES },
      group: text,
      desired: { enum: [...DESIRED_VALUES] },
      observed: { enum: [...OBSERVED_VALUES] },
      health: { enum: [...HEALTH_VALUES] },
      mode: { enum: [...MODE_VALUES] },
    },
  },
  MachinePage: {
    type: 'object',
    required: ['machines'],
    properties: {
      machines: { type: 'array', items: ref('MachineSummary') },
      nextCursor: { ...text, description: 'Pass as `cursor` for the next page; absent on the last page.' },
    },
  },
  AuditEntry: {
    type: 'object',
    required: ['atMs', 'action', 'by', 'reason'],
    properties: { atMs: timeMs, action: text, by: text, reason: text, requestId: { ...text, format: 'uuid' } },
  },
  MachineStatus: {
    type: 'object',
    description: 'The machine workflow\'s status query (workflows/machine/contract.ts MachineStatus).',
    required: ['id', 'name', 'group', 'desired', 'desiredSource', 'health', 'mode', 'audit'],
    properties: {
      id: text,
      name: text,
      group: text,
      address: text,
      driver: text,
      desired: { enum: ['on', 'off'] },
      desiredSource: { enum: ['schedule', 'override'] },
      observed: { type: 'object', properties: { power: { enum: [...OBSERVED_VALUES] }, detail: text, atMs: timeMs } },
      health: { enum: [...HEALTH_VALUES] },
      mode: { enum: [...MODE_VALUES] },
      override: { type: 'object', properties: { power: { enum: ['on', 'off'] }, untilMs: timeMs, reason: text, by: text, atMs: timeMs } },
      maintenance: { type: 'object', properties: { untilMs: timeMs, reason: text, by: text, atMs: timeMs } },
      lastCheck: { type: 'object' },
      consecutiveFailures: { type: 'integer' },
      commandsSent: { type: 'integer' },
      missedTicks: { type: 'integer' },
      nextTickMs: timeMs,
      nextScheduleChangeMs: timeMs,
      audit: { type: 'array', items: ref('AuditEntry'), description: 'The last changes, oldest first, with who, why and the API requestId.' },
      workflowId: text,
      webUiUrl: { ...text, format: 'uri', description: 'The workflow in the Temporal Web UI; present when TEMPORAL_UI_URL is set.' },
    },
  },
  Health: {
    type: 'object',
    required: ['temporal', 'worker'],
    properties: {
      temporal: { enum: ['ok', 'unreachable'] },
      worker: { enum: ['ok', 'no-poller', 'unknown'] },
      namespace: text,
      taskQueue: text,
      error: errorDetail,
    },
  },
  SyncReport: {
    type: 'object',
    required: ['started', 'updated', 'unchanged', 'retired'],
    properties: Object.fromEntries(['started', 'updated', 'unchanged', 'retired'].map((key) => [key, { type: 'array', items: text }])),
  },
};

export const openApiDocument: OpenApiDocument = {
  openapi: '3.1.0',
  info: {
    title: 'show-control operator API',
    version: '1',
    description:
      'Overrides, maintenance, run-now and status of the machines of a venue. Every change is a Temporal signal ' +
      `to the machine's workflow, recorded in its audit trail with who, why and the requestId; \`?wait=5s\` (at most ${MAX_WAIT_MS / 1000}s) ` +
      'waits until the workflow has applied it. Errors are `{ error: { code, message, field? } }`.',
  },
  security: [{ bearer: [] }],
  components: {
    securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'API_TOKEN. Reads are open when API_OPEN_READS=true.' } },
    schemas,
  },
  paths: {
    '/machines': {
      get: {
        operationId: 'listMachines',
        summary: 'Every machine, from Temporal visibility',
        description: 'Served from search attributes, without querying any workflow; eventually consistent (about a second behind).',
        tags: ['machines'],
        parameters: queryParameters(listQuery),
        responses: { '200': json('One page of machines.', ref('MachinePage')), '400': common['400'] as Response, '401': common['401'] as Response, '503': common['503'] as Response },
      },
    },
    '/machines/{id}': {
      get: {
        operationId: 'getMachine',
        summary: 'Full status of one machine',
        description: 'The workflow\'s status query (needs a running worker), its Temporal Web UI link and the last changes with who and why.',
        tags: ['machines'],
        parameters: [idParameter],
        responses: {
          '200': json('The machine\'s status.', ref('MachineStatus')),
          '400': common['400'] as Response,
          '401': common['401'] as Response,
          '404': error('No machine with this id.'),
          '409': error('The machine\'s workflow is not running; run POST /sync.'),
          '503': error('Temporal unreachable, or no worker answered the query (the body\'s `machine` has what visibility knows).'),
        },
      },
    },
    '/machines/{id}/override': changesAt(machineChange, 'override'),
    '/machines/{id}/maintenance': changesAt(machineChange, 'maintenance'),
    '/machines/{id}/reconcile': changesAt(machineChange, 'reconcile'),
    '/groups/{group}/override': changesAt(groupChange, 'override'),
    '/groups/{group}/maintenance': changesAt(groupChange, 'maintenance'),
    '/groups/{group}/reconcile': changesAt(groupChange, 'reconcile'),
    '/venue/override': changesAt(venueChange, 'override'),
    '/venue/maintenance': changesAt(venueChange, 'maintenance'),
    '/venue/reconcile': changesAt(venueChange, 'reconcile'),
    '/sync': {
      post: {
        operationId: 'sync',
        summary: 'Apply the venue configuration',
        description: 'Starts missing machine workflows, signals changed ones and retires removed ones.',
        tags: ['system'],
        requestBody: body(syncBody, false),
        responses: {
          '200': json('What changed.', ref('SyncReport')),
          ...common,
          '409': error('The API runs without a venue configuration.'),
        },
      },
    },
    '/healthz': {
      get: {
        operationId: 'health',
        summary: 'Temporal reachable and a worker polling',
        tags: ['system'],
        security: [],
        responses: { '200': json('Healthy.', ref('Health')), '503': json('Which part is failing.', ref('Health')) },
      },
    },
    '/openapi.json': {
      get: {
        operationId: 'openapi',
        summary: 'This document',
        tags: ['system'],
        security: [],
        responses: { '200': { description: 'OpenAPI 3.1 document.' } },
      },
    },
  },
};
