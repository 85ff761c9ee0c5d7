/**
 * How fast the status board loads with a large venue: `npx tsx test/board/benchmark.ts
 * [--machines 5000] [--loads 5]`. Starts its own in-memory dev server, seeds machine workflows
 * that no worker runs (test/board/seed.ts), serves the API on a free port and opens the board
 * in chromium. Reports, from navigation start to the first paint with every machine on it:
 *   cold: a board opened the moment the API listens, before its start-up listing is done (so it
 *         waits for that one full visibility sweep);
 *   warm: later boards, served the snapshot the API already holds (as is every board opened once
 *         the start-up listing, `startupListingMs` after the start, is done).
 * A report, not a test: nothing here fails on a slow machine. JSON goes to reports/.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { createGunzip } from 'node:zlib';
import { Client, Connection } from '@temporalio/client';
import { createApp } from '../../api/app';
import type { ApiLog } from '../../api/log';
import { startDevServer } from '../../devstack/dev-server';
import { runningMachinesQuery } from '../../fleet/machines';
import { launchChromium, type Browser } from '../support/chromium';
import { seedMachines } from './seed';

const ROOT = path.resolve(__dirname, '../..');
const TOKEN = 'board-benchmark-token-0123456789';

interface PageLoad {
  /** The snapshot has arrived and is parsed. */
  snapshotMs: number;
  renderedMs: number;
  paintedMs: number;
  cards: number;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { machines: { type: 'string', default: '5000' }, loads: { type: 'string', default: '5' } } });
  const count = Number(values.machines);
  const loads = Number(values.loads);
  const server = await startDevServer();
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection, namespace: server.namespace });
  let browser: Browser | undefined;
  let api: ReturnType<typeof createApp> | undefined;
  try {
    const taskQueue = `board-bench-${randomUUID()}`;
    const seedStart = Date.now();
    await seedMachines(client, { taskQueue, count });
    while ((await client.workflow.count(runningMachinesQuery(taskQueue))).count < count) await sleep(200);
    console.log(`seeded ${count} machine workflows (no worker) in ${((Date.now() - seedStart) / 1000).toFixed(1)} s`);

    let startupListingMs: number | undefined;
    const log: ApiLog = {
      info: (message) => {
        startupListingMs ??= Number(/^status board: ready, \d+ machines listed in (\d+) ms/.exec(message)?.[1] ?? NaN) || undefined;
      },
      warn: () => undefined,
      error: (message, err) => console.error(message, err),
    };
    api = createApp({ client, namespace: server.namespace, taskQueue, token: TOKEN, webUiBaseUrl: 'http://127.0.0.1:8233', log });
    const { url } = await api.start(0, '127.0.0.1');
    browser = await launchChromium();
    await browser.context.addInitScript({ content: `sessionStorage.setItem('show-control.api-token', ${JSON.stringify(TOKEN)})` });

    const cold = await loadBoard(browser, url, count);
    console.log(`cold load: ${describeLoad(cold)}`);
    const warm: PageLoad[] = [];
    for (let run = 0; run < loads; run++) {
      const load = await loadBoard(browser, url, count);
      warm.push(load);
      console.log(`warm load ${run + 1}: ${describeLoad(load)}`);
    }
    const snapshot = await snapshotSize(url);
    const painted = warm.map((load) => load.paintedMs).sort((a, b) => a - b);
    const building = warm.map((load) => load.renderedMs - load.snapshotMs).sort((a, b) => a - b);
    const report = {
      machines: count,
      startupListingMs,
      coldPaintedMs: Math.round(cold.paintedMs),
      warmPaintedMinMs: Math.round(painted[0] ?? NaN),
      warmPaintedMedianMs: Math.round(median(painted)),
      warmPaintedMaxMs: Math.round(painted.at(-1) ?? NaN),
      warmBuildMedianMs: Math.round(median(building)),
      ...snapshot,
      at: new Date().toISOString(),
    };
    console.log(JSON.stringify(report, null, 2));
    await mkdir(path.join(ROOT, 'reports'), { recursive: true });
    await writeFile(path.join(ROOT, 'reports/board-benchmark.json'), `${JSON.stringify(report, null, 2)}\n`);
  } finally {
    await browser?.close();
    await api?.stop();
    await connection.close();
    await server.stop();
  }
}

function median(sorted: number[]): number {
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

function describeLoad(load: PageLoad): string {
  return `snapshot in ${load.snapshotMs.toFixed(0)} ms, cards built ${load.renderedMs.toFixed(0)} ms, painted ${load.paintedMs.toFixed(0)} ms`;
}

/** Opens the board in a fresh page and waits for its `board:painted` mark. */
async function loadBoard(browser: Browser, url: string, count: number): Promise<PageLoad> {
  const page = await browser.context.newPage();
  try {
    await page.goto(`${url}/`);
    await page.waitForFunction(() => performance.getEntriesByName('board:painted').length > 0, undefined, { timeout: 120_000 });
    // No named functions inside: tsx would wrap them in a helper the page does not have.
    const marks = await page.evaluate(() => ({
      snapshotMs: performance.getEntriesByName('board:snapshot')[0]?.startTime ?? NaN,
      renderedMs: performance.getEntriesByName('board:rendered')[0]?.startTime ?? NaN,
      paintedMs: performance.getEntriesByName('board:painted')[0]?.startTime ?? NaN,
    }));
    const cards = await page.locator('.machine').count();
    if (cards !== count) throw new Error(`the board shows ${cards} machines, expected ${count}`);
    return { ...marks, cards };
  } finally {
    await page.close();
  }
}

/** Bytes of the first event (the snapshot) on the wire with gzip, and decompressed. */
function snapshotSize(url: string): Promise<{ snapshotGzipBytes: number; snapshotBytes: number; sweepMs: number }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ host: hostname, port, path: '/board/events', headers: { authorization: `Bearer ${TOKEN}`, 'accept-encoding': 'gzip' } }, (res) => {
      let wire = 0;
      let text = '';
      const gunzip = createGunzip();
      res.on('data', (chunk: Buffer) => (wire += chunk.length));
      res.pipe(gunzip);
      gunzip.on('data', (chunk: Buffer) => {
        text += chunk.toString('utf8');
        const end = text.indexOf('\n\n');
        if (end < 0) return;
        const data = JSON.parse(text.slice(text.indexOf('data: ') + 6, end)) as { sweepMs: number };
        req.destroy();
        resolve({ snapshotGzipBytes: wire, snapshotBytes: Buffer.byteLength(text.slice(0, end + 2)), sweepMs: data.sweepMs });
      });
      gunzip.on('error', reject);
    });
    req.on('error', (err) => (req.destroyed ? undefined : reject(err)));
    req.end();
  });
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
