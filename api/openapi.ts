/**
 * The API described in OpenAPI 3.1, generated from the operations table (api/operations.ts): its
 * parameters and request bodies from the zod schemas the routes enforce (api/schemas.ts), its
 * answers from the response schemas (api/response-schemas.ts). test/api/openapi.test.ts checks that
 * the paths and methods here are exactly the routes the app registers.
 */
import { z } from 'zod';
import { OPERATIONS, type Answer, type ApiOperation, type Method } from './operations';
import { namedSchemas } from './response-schemas';
import { MAX_WAIT_MS } from './schemas';

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

export interface OpenApiDocument {
  openapi: '3.1.0';
  info: { title: string; version: string; description: string };
  security: Record<string, string[]>[];
  components: { securitySchemes: Record<string, JsonSchema>; schemas: Record<string, JsonSchema> };
  paths: Record<string, Partial<Record<Method, Operation>>>;
}

/** What a request must look like: before the schemas' transforms (a duration is text on the wire). */
function inputSchema(schema: z.ZodType): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io: 'input', target: 'draft-2020-12' });
  return rest;
}

const schemaUri = (id: string) => `#/components/schemas/${id}`;

/** The response schemas, each referring to the others it holds by $ref. */
function componentSchemas(): Record<string, JsonSchema> {
  const { schemas } = z.toJSONSchema(namedSchemas, { io: 'input', target: 'draft-2020-12', uri: schemaUri });
  return Object.fromEntries(
    Object.entries(schemas).map(([id, { $schema: _dialect, $id: _uri, ...schema }]) => [id, schema]),
  );
}

/** One parameter per property of a strict path or query schema. */
function parameters(schema: z.ZodObject, location: Parameter['in']): Parameter[] {
  const json = inputSchema(schema) as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, property]) => {
    const { description, ...propertySchema } = property;
    return {
      name,
      in: location,
      required: json.required?.includes(name) ?? false,
      ...(typeof description === 'string' ? { description } : {}),
      schema: propertySchema,
    };
  });
}

function response({ description, schema }: Answer): Response {
  if (!schema) return { description };
  const id = namedSchemas.get(schema)?.id;
  return { description, content: { 'application/json': { schema: id ? { $ref: schemaUri(id) } : inputSchema(schema) } } };
}

function documented(operation: ApiOperation): Operation {
  const { path, query, body } = operation.input;
  const params = [...(path ? parameters(path, 'path') : []), ...(query ? parameters(query, 'query') : [])];
  return {
    operationId: operation.id,
    summary: operation.summary,
    ...(operation.description ? { description: operation.description } : {}),
    tags: [operation.tag],
    ...(operation.access === 'open' ? { security: [] } : {}),
    ...(params.length > 0 ? { parameters: params } : {}),
    ...(body ? { requestBody: { required: operation.bodyRequired ?? false, content: { 'application/json': { schema: inputSchema(body) } } } } : {}),
    responses: Object.fromEntries(Object.entries(operation.answers).map(([status, answer]) => [status, response(answer)])),
  };
}

function paths(): OpenApiDocument['paths'] {
  const byPath: OpenApiDocument['paths'] = {};
  for (const operation of OPERATIONS) (byPath[operation.path] ??= {})[operation.method] = documented(operation);
  return byPath;
}

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
    schemas: componentSchemas(),
  },
  paths: paths(),
};
