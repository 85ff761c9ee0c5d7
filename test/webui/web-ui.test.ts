import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../activities';
import { createSecretResolver } from '../../config/secrets';
import { startDevServer, type DevServer } from '../../devstack/dev-server';
import { machineWorkflowId } from '../../fleet/machines';
import { syncInventory } from '../../fleet/sync';
import { startSimulator, type Simulator } from '../../simulator';
import { statusQuery } from '../../workflows/machine/contract';
import { createMachineWorker } from '../../worker/create-worker';
import { waitFor } from '../support/wait-for';
import { machine, pjlinkDriver } from '../support/specs';
import { bundleWorkflows, uniqueTaskQueue } from '../support/temporal';
import { launchChromium, type Browser } from '../support/chromium';
import { backgroundOf, failedActivityRow, historyUrl } from '../support/web-ui';

const ARTIFACTS = path.resolve(__dirname, '../../test-results/web-ui');
const UI_TIMEOUT_MS = 30_000;

const hung = machine('proj-hung', pjlinkDriver(0), { name: 'Projector (hangs)', group: 'gallery-west' });
const refusing = machine('proj-refusing', pjlinkDriver(0), { name: 'Projector (refuses)', group: 'gallery-west' });
const healthy = machine('proj-healthy', pjlinkDriver(0), { name: 'Projector (answers)', group: 'gallery-west' });
const fleet = [hung, refusing, healthy];
/** What each failing machine's failed probe activity says in its history. */
const FAILURES = [
  { spec: hung, message: /proj-hung "Projector \(hangs\)" at 127\.0\.0\.1:\d+: no reply within 500 ms at step "read greeting" \(elapsed \d+ ms\)/ },
  { spec: refusing, message: /proj-refusing "Projector \(refuses\)" at 127\.0\.0\.1:\d+: connection refused \(ECONNREFUSED\) at step "connect" \(elapsed \d+ ms\)/ },
];

let server: DevServer;
let simulator: Simulator;
let nativeConnection: NativeConnection;
let worker: Worker;
let running: Promise<void>;
let connection: Connection;
let client: Client;
let browser: Browser | undefined;

/** A dev server with its Web UI; one projector accepts and never answers, one refuses connections, one answers. */
beforeAll(async () => {
  // First, so a machine without Chromium fails at once with what to install.
  browser = await launchChromium({ viewport: { width: 1920, height: 1080 } });
  server = await startDevServer({ uiPort: 0 });
  simulator = await startSimulator({
    devices: [
      { id: hung.id, kind: 'pjlink', fault: { mode: 'hang' } },
      { id: refusing.id, kind: 'pjlink', fault: { mode: 'refuse' } },
      { id: healthy.id, kind: 'pjlink', initialPower: 'on', warmupMs: 0 },
    ],
  });
  const portOf = (id: string) => simulator.devices.find((device) => device.id === id)?.port ?? 0;
  const machines = fleet.map((spec) => ({ ...spec, driver: pjlinkDriver(portOf(spec.id)) }));

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
  await waitFor('both failing machines to be listed as failing', async () => {
    const listed = new Set<string>();
    for await (const execution of client.workflow.list({ query: failing })) listed.add(execution.workflowId);
    return FAILURES.every(({ spec }) => listed.has(machineWorkflowId(spec.id)));
  }, 30_000);
  await waitFor('the healthy machine to report its power', async () => {
    const status = await client.workflow.getHandle(machineWorkflowId(healthy.id)).query(statusQuery);
    return status.health === 'ok';
  });
  await mkdir(ARTIFACTS, { recursive: true });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await Promise.allSettled(fleet.map((spec) => client?.workflow.getHandle(machineWorkflowId(spec.id)).terminate('test finished')));
  worker?.shutdown();
  await running;
  await nativeConnection?.close();
  await connection?.close();
  await simulator?.stop();
  await server?.stop();
});

describe('the Temporal Web UI, as an operator uses it', () => {
  it('when the operator searches for failing machines, then the hung and the refusing machine are listed and the healthy one is not', async () => {
    const page = openPage();
    try {
      await page.goto(`${server.uiUrl}/namespaces/${server.namespace}/workflows`);
      await page.getByTestId('toggle-manual-query').click();
      await page.getByPlaceholder('Enter a query').fill('MachineHealth = "failing"');
      await page.getByRole('button', { name: 'Search', exact: true }).click();

      for (const { spec } of FAILURES) {
        const link = page.getByRole('link', { name: machineWorkflowId(spec.id), exact: true });
        await expect.poll(() => link.count(), { timeout: UI_TIMEOUT_MS }).toBeGreaterThan(0);
      }
      expect(await page.getByRole('link', { name: machineWorkflowId(healthy.id), exact: true }).count()).toBe(0);
    } finally {
      await page.screenshot({ path: path.join(ARTIFACTS, 'failing-machines.png') });
    }
  }, 120_000);

  it.each(FAILURES)('when the operator opens $spec.id, then its history shows a failed probe activity, painted red, with the message naming machine, address and step', async ({ spec, message }) => {
    const page = openPage();
    try {
      await page.goto(await historyUrl(client, webUi(), spec.id));
      const failedProbe = failedActivityRow(page, message);
      await failedProbe.waitFor();
      expect(await backgroundOf(failedProbe), 'the Web UI styles the row as a failure (its red background)').toMatchObject({ reddish: true });
      await failedProbe.evaluate((element) => element.scrollIntoView({ block: 'center' }));
    } finally {
      await page.screenshot({ path: path.join(ARTIFACTS, `${spec.id}-history.png`) });
    }
  }, 120_000);

  it('when the operator opens the healthy machine, then its history has no probe activity and nothing painted red', async () => {
    const page = openPage();
    await page.goto(await historyUrl(client, webUi(), healthy.id));
    const rows = page.getByTestId('event-summary-row');
    await rows.filter({ hasText: 'Timer Fired' }).first().waitFor();
    expect(await rows.filter({ hasText: 'Activity Task Scheduled' }).count(), 'probes of a healthy machine are local activities').toBe(0);
    for (const row of await rows.all()) expect(await backgroundOf(row)).toMatchObject({ reddish: false });
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

function webUi(): { uiUrl: string; namespace: string } {
  if (!server.uiUrl) throw new Error('the dev server runs without its Web UI');
  return { uiUrl: server.uiUrl, namespace: server.namespace };
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
