import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, ENTRY_POINTS, WORKFLOW_BUNDLE_FILE } from '../../deploy/build';
import { machineWorkflowId } from '../../fleet/machines';
import { syncInventory } from '../../fleet/sync';
import { startSimulator, type Simulator } from '../../simulator';
import { statusQuery } from '../../workflows/machine/contract';
import { waitFor } from '../support/wait-for';
import { machine, pjlinkDriver } from '../support/specs';
import { temporalAddress, uniqueTaskQueue } from '../support/temporal';
import { ROOT } from './compose';

// Inside the repository, so the compiled files resolve node_modules as they do in the image.
const OUT_DIR = path.join(ROOT, 'test-results', `build-${randomUUID()}`);
const BUILD_TIMEOUT_MS = 240_000;

let simulator: Simulator | undefined;
let connection: Connection | undefined;
let worker: ChildProcess | undefined;
let workerOutput = '';

beforeAll(async () => {
  await build({ outDir: OUT_DIR });
}, BUILD_TIMEOUT_MS);

afterAll(async () => {
  if (worker && worker.exitCode === null) {
    worker.kill('SIGKILL');
  }
  await connection?.close();
  await simulator?.stop();
  await rm(OUT_DIR, { recursive: true, force: true });
});

describe('npm run build (deploy/build.ts), what the Dockerfile runs', () => {
  it('when the project is built, then every process the image runs is compiled and the workflow bundle lies beside them', () => {
    for (const entry of ENTRY_POINTS) {
      expect(existsSync(path.join(OUT_DIR, entry.replace(/\.ts$/, '.js'))), entry).toBe(true);
    }
    expect(existsSync(path.join(OUT_DIR, WORKFLOW_BUNDLE_FILE))).toBe(true);
  });

  it('when a compiled module reads files from beside or below itself, then the build copied them there', async () => {
    const compiled = (await listFiles(OUT_DIR)).filter((file) => file.endsWith('.js') && file !== WORKFLOW_BUNDLE_FILE);
    const sourceFolders = new Set(compiled.map((file) => path.dirname(file)));
    for (const folder of sourceFolders) {
      const sourceDir = path.join(ROOT, folder);
      if (!existsSync(sourceDir)) continue;
      for (const file of await readdir(sourceDir, { recursive: true })) {
        if (/\.(html|css|js)$/.test(file)) expect(existsSync(path.join(OUT_DIR, folder, file)), `${folder}/${file}`).toBe(true);
      }
    }
  });

  it('when node runs the compiled API, then it serves the status board page and its files', async () => {
    const api = spawn(process.execPath, [path.join(OUT_DIR, 'api/main.js')], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { PATH: process.env.PATH, TEMPORAL_ADDRESS: temporalAddress(), API_PORT: '0', API_LOCAL_DEMO: 'true' },
    });
    let output = '';
    api.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    api.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => api.once('exit', (code) => resolve(code)));
    try {
      const url = await waitFor('the compiled API to listen', () => /operator API on (http:\/\/\S+)/.exec(output)?.[1] ?? (api.exitCode !== null ? 'exited' : undefined), 30_000);
      expect(url, output).not.toBe('exited');
      const page = await fetch(`${url}/`);
      expect(page.status, output).toBe(200);
      const html = await page.text();
      const files = [...html.matchAll(/(?:src|href)="\/?(board\/[^"]+)"/g)].map(([, file]) => file);
      expect(files.length).toBeGreaterThan(0);
      for (const file of files) expect((await fetch(`${url}/${file}`)).status, file).toBe(200);
    } finally {
      api.kill('SIGTERM');
      await exited;
    }
  }, 60_000);

  it('when node runs the compiled worker, then it runs machine workflows from the prebuilt bundle without bundling', async () => {
    simulator = await startSimulator({ devices: [{ id: 'built-proj', kind: 'pjlink', initialPower: 'on' }] });
    const device = simulator.devices[0];
    const taskQueue = uniqueTaskQueue('build');
    worker = spawn(process.execPath, [path.join(OUT_DIR, 'worker/main.js')], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        PATH: process.env.PATH,
        TEMPORAL_ADDRESS: temporalAddress(),
        TEMPORAL_TASK_QUEUE: taskQueue,
        SHOWCTL_SECRETS_FILE: 'config/demo-secrets.yaml',
        METRICS_PORT: '0',
        // INFO shows the SDK's "Workflow bundle created" whenever a worker bundles the sources.
        LOG_LEVEL: 'INFO',
      },
    });
    const exited = new Promise<number | null>((resolve) => worker?.once('exit', (code) => resolve(code)));
    worker.stdout?.on('data', (chunk: Buffer) => (workerOutput += chunk.toString()));
    worker.stderr?.on('data', (chunk: Buffer) => (workerOutput += chunk.toString()));
    await waitFor('the compiled worker to poll', () => workerOutput.includes(`polling task queue ${taskQueue}`) || worker?.exitCode !== null, 30_000);
    expect(worker.exitCode, workerOutput).toBeNull();

    connection = await Connection.connect({ address: temporalAddress() });
    const client = new Client({ connection });
    const spec = machine(`built-${randomUUID().slice(0, 8)}`, pjlinkDriver(device?.port ?? 0), { tickMs: 60_000 });
    await syncInventory(client, { taskQueue, machines: [spec] });
    const handle = client.workflow.getHandle(machineWorkflowId(spec.id));
    try {
      const status = await waitFor('the first check of the machine', async () => {
        const current = await handle.query(statusQuery);
        return current.observed?.power === 'on' ? current : undefined;
      }, 30_000);
      expect(status.id).toBe(spec.id);
    } finally {
      await handle.terminate('test finished');
    }

    expect(workerOutput).toContain('Worker state changed');
    expect(workerOutput).not.toContain('Workflow bundle created');
    worker.kill('SIGTERM');
    expect(await exited, workerOutput).toBe(0);
  }, 90_000);
});

/** Every file under `dir`, relative to it. */
async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)));
}
