import { mkdtemp, rm, stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { afterEach, describe, expect, it } from 'vitest';
import { DevServerStartError, findFreePort, startDevServer, type DevServer } from '../../devstack/dev-server';
import { machineSearchAttributes } from '../../workflows/machine/contract';

const running: DevServer[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((server) => server.stop()));
});

async function start(options: Parameters<typeof startDevServer>[0] = {}): Promise<DevServer> {
  const server = await startDevServer(options);
  running.push(server);
  return server;
}

async function withClient<T>(server: DevServer, use: (client: Client) => Promise<T>): Promise<T> {
  const connection = await Connection.connect({ address: server.address });
  try {
    return await use(new Client({ connection, namespace: server.namespace }));
  } finally {
    await connection.close();
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function canListenOn(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

describe('startDevServer', () => {
  it('when started, then its namespace answers with the machine search attributes registered', async () => {
    const server = await start({ namespace: 'venue-test' });

    const attributes = await withClient(server, (client) =>
      client.connection.operatorService.listSearchAttributes({ namespace: 'venue-test' }),
    );

    expect(server.address).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(server.namespace).toBe('venue-test');
    expect(server.uiUrl).toBeUndefined();
    for (const attribute of machineSearchAttributes) {
      expect(attributes.customAttributes[attribute.name], attribute.name).toBeDefined();
    }
  });

  it('when stopped, then the process is gone, the port is free again and stopping again is harmless', async () => {
    const server = await start();
    const port = Number(server.address.split(':')[1]);
    expect(await canListenOn(port)).toBe(false);

    await server.stop();

    expect(isRunning(server.pid)).toBe(false);
    expect(await canListenOn(port)).toBe(true);
    await server.stop();
  });

  it('when given a UI port, then the Web UI serves on it', async () => {
    const server = await start({ uiPort: 0 });

    const response = await fetch(server.uiUrl as string);

    expect(response.status).toBe(200);
  });

  it('when given a database file, then a workflow started before a restart is still running after it', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'dev-server-test-'));
    try {
      const dbFile = path.join(dir, 'nested', 'temporal.db');
      const workflowId = `persisted-${Date.now()}`;
      const first = await start({ dbFile });
      await withClient(first, (client) =>
        // No worker polls this queue: the execution just sits in the database.
        client.workflow.start('persistenceProbe', { taskQueue: 'nobody-polls', workflowId }),
      );
      await first.stop();
      expect((await stat(dbFile)).size).toBeGreaterThan(0);

      const second = await start({ dbFile });
      const description = await withClient(second, (client) => client.workflow.getHandle(workflowId).describe());

      expect(description.status.name).toBe('RUNNING');
      expect(description.type).toBe('persistenceProbe');
    } finally {
      await Promise.all(running.splice(0).map((server) => server.stop()));
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("when its port is taken, then start fails with the server's own explanation", async () => {
    const port = await findFreePort();
    // Closes whatever it accepts, so the readiness probe cannot keep blocker.close() waiting.
    const blocker = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));
    try {
      const failure = startDevServer({ port });

      await expect(failure).rejects.toBeInstanceOf(DevServerStartError);
      await expect(failure).rejects.toThrow(/address already in use/);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });
});
