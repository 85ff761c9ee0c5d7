/**
 * Five minutes of the demo venue as a new user runs it (`npm start`, its default one-minute tick):
 * the machine an operator most wants to inspect, the hung projector, answers every status read;
 * its failure and the refusing player's are failed activities in history within two ticks; the
 * healthy machines' probes stay local activities; no workflow task runs long enough for sdk-core
 * to warn about it; and the Web UI paints each broken machine's failed probe red.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanActivityHistories, type ActivityRecord } from '../../harness/activity-history';
import { loadVenueConfig } from '../../config/load';
import { machineWorkflowId } from '../../fleet/machines';
import type { MachineStatus } from '../../workflows/machine/contract';
import { failedChecksWithinMs } from '../support/budgets';
import { launchChromium } from '../support/chromium';
import { backgroundOf, failedActivityRow, historyUrl } from '../support/web-ui';
import { waitFor } from '../support/wait-for';
import { startNpmStart, type NpmStart } from '../support/npm-start';

const venue = loadVenueConfig(path.resolve(__dirname, '../../config/demo-venue.yaml'), {});
const HUNG = 'proj-07';
const REFUSING = 'player-07';
const hungSpec = venue.machines.find((spec) => spec.id === HUNG)!;
const RUN_MS = 5 * 60_000;
const READS = 30;
/** sdk-core's warning for a workflow task that runs past 5 s: queries and signals wait behind such a task. */
const LONG_TASK_WARNING = 'TMPRL1104';
const ARTIFACTS = path.resolve(__dirname, '../../test-results/demo');
const UI_TIMEOUT_MS = 30_000;

let start: NpmStart;
let startedAt: number;

beforeAll(async () => {
  start = await startNpmStart();
  startedAt = Date.now();
}, 180_000);

afterAll(() => start?.cleanUp());

async function statusRead(id: string): Promise<{ code: number; status?: MachineStatus; ms: number }> {
  const sentAt = Date.now();
  const response = await fetch(`http://127.0.0.1:${start.ports.API_PORT}/machines/${id}`);
  const body = (await response.json()) as MachineStatus;
  return { code: response.status, status: response.ok ? body : undefined, ms: Date.now() - sentAt };
}

async function probes(): Promise<ActivityRecord[]> {
  const { activities } = await scanActivityHistories(start.client, 'show-control');
  return activities.filter((record) => record.activityType === 'probePower');
}

describe('five minutes of the demo venue', () => {
  it(
    'when it runs, then the hung projector answers every status read with its failure, both broken machines show failed probe activities within two ticks, healthy probes stay local, and no workflow task is long',
    async () => {
      expect(venue.tickMs, 'the demo as a user runs it').toBe(60_000);
      await waitFor('the hung projector reported failing', async () => (await statusRead(HUNG)).status?.lastCheck?.outcome === 'failed', failedChecksWithinMs(hungSpec, 1) + venue.tickMs);

      const reads: Awaited<ReturnType<typeof statusRead>>[] = [];
      const interval = (RUN_MS - (Date.now() - startedAt)) / READS;
      for (let read = 0; read < READS; read++) {
        reads.push(await statusRead(HUNG));
        await sleep(interval);
      }
      const answered = reads.filter((read) => read.code === 200 && read.status?.lastCheck?.outcome === 'failed');
      expect(answered.length, `status codes ${reads.map((read) => read.code).join(' ')}`).toBe(READS);
      expect(reads[0]?.status?.lastCheck?.failure?.message).toMatch(/^proj-07 ".*" at 127\.0\.10\.7:\d+: no reply within 3000 ms at step "read greeting"/);

      const recorded = await probes();
      const twoTicksIn = startedAt + 2 * venue.tickMs;
      for (const id of [HUNG, REFUSING]) {
        const failed = recorded.filter((probe) => probe.workflowId === machineWorkflowId(id) && !probe.local && probe.outcome === 'failed');
        expect(failed.length, `${id}: failed probe activities`).toBeGreaterThan(0);
        expect(Math.min(...failed.map((probe) => probe.closedAt ?? Number.POSITIVE_INFINITY)), `${id}: first failed activity within two ticks`).toBeLessThanOrEqual(twoTicksIn);
      }
      const healthyActivities = recorded.filter((probe) => ![HUNG, REFUSING].map(machineWorkflowId).includes(probe.workflowId) && !probe.local);
      expect(healthyActivities.map((probe) => probe.workflowId), 'healthy machines probe with local activities only').toEqual([]);
      expect(start.output()).not.toContain(LONG_TASK_WARNING);

      // What an operator sees: each broken machine's failed probe activity, red in the Web UI.
      const browser = await launchChromium({ viewport: { width: 1920, height: 1080 } });
      try {
        const webUi = { uiUrl: `http://127.0.0.1:${start.ports.TEMPORAL_UI_PORT}`, namespace: 'default' };
        for (const [id, message] of [[HUNG, /no reply within 3000 ms at step "read greeting"/], [REFUSING, /connection refused/]] as const) {
          await browser.page.goto(await historyUrl(start.client, webUi, id));
          const row = failedActivityRow(browser.page, message);
          await row.waitFor({ timeout: UI_TIMEOUT_MS });
          expect(await backgroundOf(row), `${id}: its failed probe painted red`).toMatchObject({ reddish: true });
          await mkdir(ARTIFACTS, { recursive: true });
          await browser.page.screenshot({ path: path.join(ARTIFACTS, `${id}-history.png`) });
        }
      } finally {
        await browser.close();
      }
    },
    RUN_MS + 180_000,
  );
});
