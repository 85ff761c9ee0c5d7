import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { startDevServer } from '../../devstack/dev-server';
import { createApp } from '../../api/app';
import { seedMachines } from './seed';

async function main() {
  const server = await startDevServer();
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection });
  const taskQueue = `board-bench-${randomUUID()}`;
  let t = Date.now();
  await seedMachines(client, { taskQueue, count: 5000 });
  console.log('seeded in', Date.now() - t);
  const api = createApp({ client, namespace: 'default', taskQueue, localDemo: true, log: { info() {}, warn() {}, error: console.error } });
  const { url } = await api.start(0);
  for (let round = 0; round < 4; round++) {
    t = Date.now();
    let cursor: string | undefined; let n = 0; let bytes = 0; const pages: number[] = [];
    do {
      const p0 = Date.now();
      const r = await fetch(`${url}/machines?limit=1000${cursor ? `&cursor=${cursor}` : ''}`);
      const text = await r.text(); bytes += text.length;
      const body = JSON.parse(text); n += body.machines.length; cursor = body.nextCursor;
      pages.push(Date.now() - p0);
    } while (cursor);
    console.log('listed', n, 'in', Date.now() - t, 'ms, bytes', bytes, 'pages', pages);
  }
  await api.stop(); await connection.close(); await server.stop();
}
main();
