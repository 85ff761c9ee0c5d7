import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { startDevServer } from '../../devstack/dev-server';
import { seedMachines } from './seed';
import { visibilityQuery } from '../../api/visibility';

async function main() {
  const server = await startDevServer();
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection });
  const taskQueue = `board-bench-${randomUUID()}`;
  await seedMachines(client, { taskQueue, count: 5000 });
  for (let round = 0; round < 6; round++) {
    const query = visibilityQuery(taskQueue);
      const t = Date.now(); let token: Uint8Array | undefined; const pages: number[] = []; const ids = new Set<string>(); let n = 0;
      do {
        const p0 = Date.now();
        const r = await connection.workflowService.listWorkflowExecutions({ namespace: 'default', query, pageSize: 1000, nextPageToken: token });
        for (const e of r.executions) ids.add(e.execution!.workflowId!); n += r.executions.length;
        token = r.nextPageToken?.length ? r.nextPageToken : undefined; pages.push(Date.now() - p0);
      } while (token);
      console.log(round, n, ids.size, Date.now() - t, pages);
  }
  await connection.close(); await server.stop();
}
main();
