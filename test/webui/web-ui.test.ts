import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../activities';
import { createSecretResolver } from '../../config/secrets';
import { startDevServer, type DevServer } from '../../devstack/dev-server';
import { machineWorkflowId, syncInventory } from '../../inventory/sync';
import { startSimulator, type Simulator } from '../../simulator';
import { statusQuery } from '../../workflows/machine';
import { createMachineWorker } from '../../worker/create-worker';
import { waitFor } from '../support/machine-worker';
import { machine, pjlinkDriver } from '../support/specs';
import { bundleWorkflows, uniqueTaskQueue } from '../support/temporal';
import { launchChromium, type Browser } from '../support/chromium';

const ARTIFACTS = path.resolve(__dirname, '../../test-results/web-ui');
const UI_TIMEOUT_MS = 30_000;

const hung = machine('proj-hung', pjlinkDriver(0), { name: 'Projector (hangs)', group: 'gallery-west' });
const healthy = machine('proj-healthy', pjlinkDriver(0), { name: 'Projector (answers)', group: 'gallery-west' });

let server: DevServer;
let simulator: Simulator;
let nativeConnection: NativeConnection;
let worker: Worker;
let running: Promise<void>;
let connection: Connection;
let client: Client;
let browser: Browser | undefined;

/** A dev server with its Web UI, one machine whose projector accepts and never answers, one that answers. */
beforeAll(async () => {
  // First, so a machine without Chromium fails at once with what to install.
  browser = await launchChromium({ viewport: { width: 1920, height: 1080 } });
  server = await startDevServer({ uiPort: 0 });
  simulator = await startSimulator({
    devices: [
      { id: hung.id, kind: 'pjlink', fault: { mode: 'hang' } },
      { id: healthy.id, kind: 'pjlink', initialPower: 'on', warmupMs: 0 },
    ],
  });
  const portOf = (id: string) => simulator.devices.find((device) => device.id === id)?.port ?? 0;
  const machines = [hung, healthy].map((spec) => ({ ...spec, driver: pjlinkDriver(portOf(spec.id)) }));

  const taskQueue = uniqueTaskQueue('web-ui');
  nativeConnection = await NativeConnection.connect({ address: server.address });
  worker = await createMachineWorker({
    connection: nativeConnection,
    namespace: server.namespace,
    taskQueue,
    activities: createActivities({ secrets: createSecretResolver({ env: {} }) }),
    workflowBundle: await bundleWorkflows(),
  });
  running = worker.run();
  connection = await Connection.connect({ address: server.address });
  client = new Client({ connection, namespace: server.namespace });
  await syncInventory(client, { taskQueue, machines });

  // The Web UI lists what visibility has indexed: wait until the search below has something to find.
  const failing = `MachineHealth = "failing" AND MachineGroup = "${hung.group}"`;
  await waitFor('the hung machine to be listed as failing', async () => {
    for await (const execution of client.workflow.list({ query: failing })) {
      if (execution.workflowId === machineWorkflowId(hung.id)) return true;
    }
    return false;
  }, 30_000);
  await waitFor('the healthy machine to report its power', async () => {
    const status = await client.workflow.getHandle(machineWorkflowId(healthy.id)).query(statusQuery);
    return status.health === 'ok';
  });
  await mkdir(ARTIFACTS, { recursive: true });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await Promise.allSettled([hung, healthy].map((spec) => client?.workflow.getHandle(machineWorkflowId(spec.id)).terminate('test finished')));
  worker?.shutdown();
  await running;
  await nativeConnection?.close();
  await connection?.close();
  await simulator?.stop();
  await server?.stop();
});

describe('the Temporal Web UI, as an operator uses it', () => {
  it('when the operator searches for failing machines and opens one, then its history shows the failed probe with the timeout message', async () => {
    const page = openPage();
    try {
      await page.goto(`${server.uiUrl}/namespaces/${server.namespace}/workflows`);
      await page.getByTestId('toggle-manual-query').click();
      await page.getByPlaceholder('Enter a query').fill('MachineHealth = "failing"');
      await page.getByRole('button', { name: 'Search', exact: true }).click();

      const hungLink = page.getByRole('link', { name: machineWorkflowId(hung.id), exact: true });
      await expect.poll(() => hungLink.count(), { timeout: UI_TIMEOUT_MS }).toBeGreaterThan(0);
      expect(await page.getByRole('link', { name: machineWorkflowId(healthy.id), exact: true }).count()).toBe(0);
      await hungLink.first().click();

      await tab(page, 'Event History').click();
      // A probe is a local activity: one "Local Activity" row (the marker), its failure inside.
      const rows = page.getByTestId('event-summary-row');
      const failedProbe = rows.filter({ hasText: 'Local Activity' }).filter({ hasText: `PJLink probe ${hung.id}` }).first();
      await failedProbe.waitFor();
      await failedProbe.click();
      const failure = page.getByText(/proj-hung "Projector \(hangs\)" at 127\.0\.0\.1:\d+: no reply within 500 ms at step "read greeting" \(elapsed \d+ ms\)/);
      await expect.poll(() => failure.count(), { timeout: UI_TIMEOUT_MS }).toBeGreaterThan(0);
      expect(await page.getByText('DeviceTimeoutError').count()).toBeGreaterThan(0);

      // The artifact: the failed probe's message in the middle of the view.
      await failure.first().evaluate((element) => element.scrollIntoView({ block: 'center' }));
    } finally {
      await page.screenshot({ path: path.join(ARTIFACTS, 'hung-machine-history.png') });
    }
  }, 120_000);

  it('when the operator opens a machine, then its name, address and driver read in plain text', async () => {
    const page = openPage();
    const { runId } = await client.workflow.getHandle(machineWorkflowId(hung.id)).describe();
    await page.goto(`${server.uiUrl}/namespaces/${server.namespace}/workflows/${machineWorkflowId(hung.id)}/${runId}/history`);

    await tab(page, 'User Metadata').click();
    // The Web UI renders the summary's Markdown in a sandboxed frame.
    const summary = `${hung.name} (pjlink at ${hung.address})`;
    await expect.poll(() => anyFrameShows(page, summary), { timeout: UI_TIMEOUT_MS }).toBe(true);

    await tab(page, 'Memo').click();
    const memo = page.getByText('"configHash"').locator('xpath=ancestor::*[contains(., "driver")][1]');
    await memo.waitFor();
    const text = await memo.innerText();
    for (const field of [`"name": "${hung.name}"`, `"address": "${hung.address}"`, '"driver": "pjlink"']) {
      expect(text).toContain(field);
    }
  }, 120_000);
});

async function anyFrameShows(page: Page, text: string): Promise<boolean> {
  const counts = await Promise.all(page.frames().map((frame) => frame.getByText(text, { exact: true }).count()));
  return counts.some((count) => count > 0);
}

function openPage(): Page {
  if (!browser) throw new Error('the browser did not start');
  browser.page.setDefaultTimeout(UI_TIMEOUT_MS);
  return browser.page;
}

/** The workflow page's tabs are links in some Web UI versions and tabs in others. */
function tab(page: Page, name: string) {
  return page.getByRole('link', { name: new RegExp(`^${name}`) }).or(page.getByRole('tab', { name: new RegExp(`^${name}`) })).first();
}
