import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectClient } from '../support/temporal';

const DOC = path.resolve(__dirname, '../../docs/web-ui.md');

/** The second column of the "Ready queries" table: one query in backticks per row. */
function readyQueries(): string[] {
  const text = readFileSync(DOC, 'utf8');
  const table = text.slice(text.indexOf('Ready queries:'), text.indexOf('\n\n', text.indexOf('| question | query |')));
  return [...table.matchAll(/^\|[^|]+\| `([^`]+)` \|$/gm)].map(([, query]) => query ?? '');
}

let client: Client;

beforeAll(async () => {
  client = await connectClient();
});

afterAll(async () => {
  await client?.connection.close();
});

describe('the ready queries of docs/web-ui.md', () => {
  const queries = readyQueries();

  it('when the document is read, then it offers the queries operators need first', () => {
    expect(queries).toEqual(expect.arrayContaining(['MachineHealth = "failing"', 'MachineGroup = "gallery-west"', 'ControlMode != "schedule"']));
  });

  it.each(queries)('when the Web UI sends %s, then the server accepts it', async (query) => {
    await expect(client.workflow.count(query)).resolves.toBeDefined();
  });
});
