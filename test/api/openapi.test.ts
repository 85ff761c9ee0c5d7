import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { Express } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../api/app';
import { openApiDocument, type JsonSchema, type Operation } from '../../api/openapi';
import type { Method } from '../../api/operations';
import { connectClient } from '../support/temporal';
import { violation } from './json-schema-subset';
import { quietLog, startApi, TOKEN, type ApiUnderTest } from './support';

let client: Client;
let api: ApiUnderTest;

beforeAll(async () => {
  client = await connectClient();
  // A task queue without machines: valid changes end in 404, never in a signal.
  api = await startApi({ client, taskQueue: `api-openapi-${randomUUID()}` });
});

afterAll(async () => {
  await api?.stop();
  await client?.connection.close();
});

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
}

/** "METHOD /path/{param}" for every route registered on the app, mounted routers included. */
function registeredRoutes(app: Express): string[] {
  const routes: string[] = [];
  const visit = (stack: Layer[]) => {
    for (const layer of stack) {
      if (layer.route) {
        const path = layer.route.path.replace(/:(\w+)/g, '{$1}');
        for (const method of Object.keys(layer.route.methods)) routes.push(`${method.toUpperCase()} ${path}`);
      } else if (layer.handle?.stack) {
        visit(layer.handle.stack);
      }
    }
  };
  visit((app.router as unknown as { stack: Layer[] }).stack);
  return routes.sort();
}

interface DocumentedOperation {
  method: Method;
  path: string;
  operation: Operation;
}

function documentedOperations(): DocumentedOperation[] {
  return Object.entries(openApiDocument.paths).flatMap(([path, item]) =>
    (Object.entries(item) as [Method, Operation][]).map(([method, operation]) => ({ method, path, operation })),
  );
}

function concrete(path: string): string {
  return path.replace('{id}', 'no-such-machine').replace('{group}', 'no-such-group').replace('{kind}', 'doors-open');
}

/**
 * The status board's page and event stream (api/board/routes.ts; README, "Status board"): served by
 * the API but not JSON operations, so not in the document. Exactly these, so nothing else slips out;
 * the page's files are api/board/page/ served as static files, not a route.
 */
const BOARD_ROUTES = ['GET /', 'GET /board/events'];

describe('the OpenAPI document', () => {
  it('when compared with the routes the app registers, then both list the same methods and paths, besides the status board', () => {
    const { app } = createApp({ client, namespace: 'default', taskQueue: 'api-openapi', token: TOKEN, log: quietLog });
    const documented = documentedOperations().map(({ method, path }) => `${method.toUpperCase()} ${path}`).sort();
    const registered = registeredRoutes(app);

    expect(registered.filter((route) => BOARD_ROUTES.includes(route))).toEqual([...BOARD_ROUTES].sort());
    expect(registered.filter((route) => !BOARD_ROUTES.includes(route))).toEqual(documented);
  });

  it('when served, then it is the document of the code, as OpenAPI 3.1', async () => {
    const response = await api.call<typeof openApiDocument>('GET', '/openapi.json', { token: null });

    expect(response.status).toBe(200);
    expect(response.body.openapi).toBe('3.1.0');
    expect(response.body).toEqual(JSON.parse(JSON.stringify(openApiDocument)));
  });

  it.each(documentedOperations())('when $method $path is called without a token, then it answers as its documented security says', async ({ method, path, operation }) => {
    const needsToken = (operation.security ?? openApiDocument.security).length > 0;

    const response = await api.call(method.toUpperCase(), concrete(path), { token: null });

    if (needsToken) expect(response.status).toBe(401);
    else expect(response.status).not.toBe(401);
  });
});

const withBodies = documentedOperations().filter(({ operation }) => operation.requestBody);

function bodySchema(operation: Operation): JsonSchema {
  return operation.requestBody?.content['application/json'].schema as JsonSchema;
}

/** The smallest body the schema allows: each required property (and those of its first anyOf alternative) with a plausible value. */
function minimalBody(schema: JsonSchema): Record<string, unknown> {
  const properties = schema.properties as Record<string, JsonSchema>;
  const [firstAlternative] = (schema.anyOf ?? []) as JsonSchema[];
  const required = [...((schema.required ?? []) as string[]), ...((firstAlternative?.required ?? []) as string[])];
  return Object.fromEntries(
    required.map((name) => {
      const property = properties[name] as JsonSchema;
      return [name, Array.isArray(property.enum) ? property.enum[0] : 'spot check'];
    }),
  );
}

/** Bodies that break one documented rule each. */
function brokenBodies(schema: JsonSchema): [string, unknown][] {
  const valid = minimalBody(schema);
  const properties = schema.properties as Record<string, JsonSchema>;
  const broken: [string, unknown][] = [
    ['an unknown field', { ...valid, unexpected: true }],
    ['an array', [valid]],
  ];
  for (const [name, property] of Object.entries(properties)) {
    broken.push([`${name} as a number`, { ...valid, [name]: 42 }]);
    if (typeof property.maxLength === 'number') broken.push([`${name} too long`, { ...valid, [name]: 'x'.repeat(property.maxLength + 1) }]);
    if (typeof property.pattern === 'string') broken.push([`${name} blank`, { ...valid, [name]: ' ' }]);
  }
  for (const name of Object.keys(valid)) {
    const { [name]: _omitted, ...rest } = valid;
    broken.push([`${name} missing`, rest]);
  }
  return broken;
}

describe('documented request bodies', () => {
  it.each(withBodies)('when $method $path gets bodies the schema rejects, then the route rejects them too, and accepts what the schema accepts', async ({ method, path, operation }) => {
    const schema = bodySchema(operation);
    const valid = minimalBody(schema);

    expect(violation(schema, valid)).toBeUndefined();
    const accepted = await api.call(method.toUpperCase(), concrete(path), { json: valid });
    expect(accepted.status, `valid body ${JSON.stringify(valid)}`).not.toBe(400);

    for (const [what, body] of brokenBodies(schema)) {
      expect(violation(schema, body), `the schema should reject ${what}`).toBeDefined();
      const rejected = await api.call(method.toUpperCase(), concrete(path), { json: body });
      expect(rejected.status, `the route should reject ${what}`).toBe(400);
    }
  });
});
