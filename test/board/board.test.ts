/**
 * The status board in chromium against the demo venue: a real worker on the suite's dev server,
 * the simulated demo devices (transitions shortened, faults kept) on free ports, a 1 s tick, and
 * the API on port 0 with a token. The tests share one page and run in order, like an operator's
 * session. Screenshots go to test-results/board/; DOCS_SCREENSHOTS=1 also writes the README's
 * (docs/board.png, docs/readiness.png).
 */
import { readFileSync } from 'node:fs';
import { copyFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { loadVenueConfig, type VenueConfig } from '../../config/load';
import { findFreeDatagramPort, findFreePort } from '../../devstack/dev-server';
import type { MachineSpec } from '../../domain/types';
import { syncReadiness } from '../../fleet/readiness';
import { loadSimulatorConfig } from '../../simulator/config';
import { startSimulator, type Simulator } from '../../simulator';
import { readinessWorkflowId, type ReadinessStatus } from '../../workflows/readiness/contract';
import { machineFleet, startApi, TOKEN, type ApiUnderTest } from '../api/support';
import { failingWithinMs } from '../support/budgets';
import { startTestWorker, type TestWorker } from '../support/machine-worker';
import { waitFor } from '../support/wait-for';
import { machine, pjlinkDriver } from '../support/specs';
import { launchChromium, type Browser } from '../support/chromium';

const ROOT = path.resolve(__dirname, '../..');
const ARTIFACTS = path.join(ROOT, 'test-results/board');
const WEB_UI = 'http://127.0.0.1:8233';
/** The demo's deliberately broken devices: proj-07 hangs, player-07 refuses connections. */
const FAULTY = ['proj-07', 'player-07'];
const TICK_MS = 1_000;
/** The feed pauses 2 s between sweeps; a sweep of the demo venue takes milliseconds, seconds on a busy machine. */
const BOARD_SWEEP_WITHIN_MS = 5_000;
const HTML_NAME = '<img src=x onerror="window.pwned=1"><b class="injected">Bold</b> & <script>window.pwned=2</script>';
const HTML_MACHINE = 'board-html';
/** A projector wanted on HDMI2, which it lacks: every correction fails (ERR2), and a high failingAfter keeps it from counting as failing. */
const DRIFT_MACHINE = 'board-drift';

/**
 * What the test reads inside the page; the project's TypeScript has no DOM library. Functions
 * passed to page.evaluate run in the page, so they name globalThis themselves.
 */
interface PageGlobals {
  sessionStorage: { getItem(key: string): string | null };
  pwned?: number;
  notReloaded?: boolean;
  innerWidth: number;
  document: { documentElement: { scrollWidth: number; scrollHeight: number } };
}

let venue: VenueConfig;
let simulator: Simulator;
let worker: TestWorker;
let fleet: ReturnType<typeof machineFleet>;
let api: ApiUnderTest;
let browser: Browser;
let page: Page;
let htmlSpec: MachineSpec;
let forcedOn: string;

beforeAll(async () => {
  const env = {
    ...process.env,
    DEMO_TICK: `${TICK_MS}ms`,
    DEMO_PJLINK_PORT: String(await findFreePort()),
    DEMO_HTTP_PORT: String(await findFreePort()),
    DEMO_TCP_PORT: String(await findFreePort()),
    DEMO_AGENT_PORT: String(await findFreePort()),
    DEMO_WOL_PORT: String(await findFreeDatagramPort()),
    DEMO_SNMP_PORT: String(await findFreeDatagramPort()),
  };
  venue = loadVenueConfig(path.join(ROOT, 'config/demo-venue.yaml'), env);
  const devices = loadSimulatorConfig(path.join(ROOT, 'simulator/demo-devices.yaml'), env).devices.map((device) => ({
    ...device,
    // Seconds of warming up and booting would only slow the test; the faults stay.
    ...('warmupMs' in device ? { warmupMs: 300, cooldownMs: 300 } : {}),
    ...('bootMs' in device ? { bootMs: 300 } : {}),
    ...('shutdownMs' in device ? { shutdownMs: 300 } : {}),
  }));
  simulator = await startSimulator({
    devices: [
      ...devices,
      { id: HTML_MACHINE, kind: 'pjlink', initialPower: 'on', warmupMs: 0, cooldownMs: 0 },
      { id: DRIFT_MACHINE, kind: 'pjlink', initialPower: 'on', warmupMs: 0, cooldownMs: 0, inputs: ['31'] },
    ],
  });
  htmlSpec = machine(HTML_MACHINE, pjlinkDriver(simulator.device(HTML_MACHINE).port), { name: HTML_NAME, group: 'foyer', tickMs: TICK_MS });
  const secrets = parseYaml(readFileSync(path.join(ROOT, 'config/demo-secrets.yaml'), 'utf8')) as Record<string, string>;
  worker = await startTestWorker(secrets);
  fleet = machineFleet(worker.client, worker.taskQueue);
  const driftDriver = { ...pjlinkDriver(simulator.device(DRIFT_MACHINE).port), inputs: { HDMI1: '31', HDMI2: '32' } };
  const driftSpec = machine(DRIFT_MACHINE, driftDriver, { group: 'foyer', tickMs: TICK_MS, failingAfter: 1_000, aspects: { base: { input: 'HDMI2' }, scenes: {} } });
  await fleet.start([...venue.machines, driftSpec]);
  // The demo's readiness reports, their checks shortened so a report takes seconds.
  await syncReadiness(worker.client, worker.taskQueue, { ...venue.readiness!, recheckAfterMs: 2_000 });
  api = await startApi({ client: worker.client, taskQueue: worker.taskQueue, venue, webUiBaseUrl: WEB_UI });
  browser = await launchChromium();
  page = await browser.context.newPage();
  await mkdir(ARTIFACTS, { recursive: true });
});

afterAll(async () => {
  // The API first, while the browser's requests can still finish, then everything under it.
  await api?.stop();
  await browser?.close();
  await fleet?.terminateAll();
  await worker?.client.workflow.getHandle(readinessWorkflowId(worker.taskQueue)).terminate('test finished').catch(() => undefined);
  await worker?.stop();
  await simulator?.stop();
});

const card = (id: string) => page.locator(`.machine[data-id="${id}"]`);
/** The card's "should be X · is Y": [desired, observed]. */
const powerOf = async (id: string) => card(id).locator('.power b').allTextContents();

async function boardReady(): Promise<void> {
  await page.waitForFunction(() => performance.getEntriesByName('board:rendered').length > 0);
}

async function expand(id: string): Promise<void> {
  if ((await card(id).getAttribute('data-expanded')) === null) await card(id).locator('.summary').click();
  await card(id).locator('.details').waitFor();
}

/**
 * Zones off screen are not rendered (content-visibility), so a full-page capture would show them
 * blank: grow the window to the page until its height settles, then capture the window.
 */
async function screenshotWhole(file: string): Promise<void> {
  const width = page.viewportSize()?.width ?? 1280;
  let height = 0;
  for (let attempt = 0; attempt < 5; attempt++) {
    const pageHeight = await page.evaluate(() => (globalThis as unknown as PageGlobals).document.documentElement.scrollHeight);
    if (pageHeight === height) break;
    height = pageHeight;
    await page.setViewportSize({ width, height });
  }
  await page.screenshot({ path: file });
}

/**
 * A healthy machine that the schedule wants off and that is off; half the demo is, whatever the
 * hour. One that needs nothing: forced on, a machine that needs another waits until that one is on.
 */
async function settledOffMachine(except: string[]): Promise<string> {
  return waitFor('a healthy machine that should be off and is off', async () => {
    for (const spec of venue.machines) {
      if (FAULTY.includes(spec.id) || except.includes(spec.id) || (spec.dependencies?.needs.length ?? 0) > 0) continue;
      const status = await worker.status(spec.id);
      if (status.desired === 'off' && status.observed?.power === 'off' && simulator.device(spec.id).power === 'off') return spec.id;
    }
    return undefined;
  }, 30_000);
}

describe('the status board', () => {
  it('when opened, then it asks for the API token once, and shows every machine of the demo venue under its zone', async () => {
    await page.goto(`${api.url}/`);
    await page.locator('#token-dialog').waitFor();
    await page.locator('#token-dialog input[name="token"]').fill(TOKEN);
    await page.locator('#token-dialog button[type="submit"]').click();
    await boardReady();

    // The demo venue and the projector wanted on an input it lacks (DRIFT_MACHINE), in the foyer.
    await waitFor('every demo machine on the board', async () => (await page.locator('.machine').count()) === venue.machines.length + 1);
    const zones = [...new Set(venue.machines.map((spec) => spec.group))].sort();
    expect(await page.locator('section.group h2').allTextContents()).toEqual(zones);
    for (const spec of venue.machines) {
      expect(await page.locator(`section[data-group="${spec.group}"] .machine[data-id="${spec.id}"]`).count(), spec.id).toBe(1);
      expect(await card(spec.id).locator('.name').textContent()).toBe(spec.name);
    }
    expect(await page.locator('#venue').textContent()).toBe(venue.venue.name);
    expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).sessionStorage.getItem('show-control.api-token'))).toBe(TOKEN);

    await page.reload();
    await boardReady();
    expect(await page.locator('#token-dialog').isVisible()).toBe(false);
  });

  it('when "force on" is clicked for a machine that is off, then the device is on within a tick and the board shows it, without a reload', async () => {
    forcedOn = await settledOffMachine([]);
    const device = simulator.device(forcedOn);
    await page.evaluate(() => {
      (globalThis as unknown as PageGlobals).notReloaded = true;
    });
    await expand(forcedOn);
    expect(await card(forcedOn).locator('a.history').getAttribute('href')).toBe(`${WEB_UI}/namespaces/default/workflows/machine-${forcedOn}`);

    await card(forcedOn).locator('button[data-action="force-on"]').click();
    await page.locator('#action-dialog input[name="by"]').fill('stage manager');
    await page.locator('#action-confirm').click();

    // The signal wakes the workflow at once; one tick plus the shortened warm-up, with slack for a busy machine.
    await waitFor(`${forcedOn} on`, () => device.power === 'on', TICK_MS + 300 + 4_000);
    await waitFor(`the board to show ${forcedOn} on`, async () => (await powerOf(forcedOn)).join(' ') === 'ON ON', 20_000);
    expect(await card(forcedOn).locator('.badge.override').textContent()).toMatch(/^forced on until /);
    expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).notReloaded)).toBe(true);
    const status = await worker.status(forcedOn);
    expect(status.override).toMatchObject({ power: 'on', by: 'stage manager', reason: 'forced on from the status board' });
  });

  it('when maintenance is started with a reason and a duration, then the machine records both and the board shows when it ends', async () => {
    const id = await settledOffMachine([forcedOn]);
    await expand(id);
    await card(id).locator('button[data-action="start-maintenance"]').click();
    await page.locator('#action-dialog select[name="until"]').selectOption('2h');
    await page.locator('#action-dialog input[name="reason"]').fill('lamp change');
    await page.locator('#action-confirm').click();

    const maintenance = await waitFor(`maintenance of ${id}`, async () => (await worker.status(id)).maintenance, 10_000);
    expect(maintenance.reason).toBe('lamp change');
    expect(Math.abs((maintenance.untilMs ?? 0) - (Date.now() + 2 * 3600_000))).toBeLessThan(60_000);
    await waitFor('the maintenance badge with its end', async () => /^maintenance until \S/.test((await card(id).locator('.badge.maintenance').textContent()) ?? ''), 20_000);
    await card(id).locator('.summary').click();
  });

  it('when a machine is on as it should be but an aspect is not as wanted, then its card stands out like a wrong power state and names the aspect', async () => {
    await card(DRIFT_MACHINE).scrollIntoViewIfNeeded();
    await waitFor(`${DRIFT_MACHINE} marked as not as wanted`, async () => (await card(DRIFT_MACHINE).getAttribute('data-attention')) === 'mismatch', BOARD_SWEEP_WITHIN_MS + 10_000);
    expect(await powerOf(DRIFT_MACHINE)).toEqual(['ON', 'ON']);
    expect(await card(DRIFT_MACHINE).locator('.power b[data-mismatch]').count(), 'the power itself is right').toBe(0);
    await expand(DRIFT_MACHINE);
    await waitFor('the badge to name the aspect', async () => (await card(DRIFT_MACHINE).locator('.badge.drift').textContent()) === 'input not as wanted', 20_000);
    expect((await worker.status(DRIFT_MACHINE)).health).toBe('ok');
    await card(DRIFT_MACHINE).locator('.summary').click();
  });

  it('when a projector\'s details are opened, then they show each aspect as seen and wanted, its lamp hours and the fault its telemetry reports', async () => {
    // proj-03 of the demo reports a lamp warning; its input is corrected to its scene's while it should be on.
    const id = 'proj-03';
    const status = await waitFor(`${id}'s telemetry and aspects`, async () => {
      const s = await worker.status(id);
      const settled = s.desired === 'off' || s.aspects.every((aspect) => aspect.inWantedState === true);
      return s.telemetry && settled && s;
    }, 20_000);
    await card(id).scrollIntoViewIfNeeded();
    await expand(id);
    const details = card(id).locator('.details');
    await waitFor('the details to show the telemetry', async () => /Lamp/.test((await details.textContent()) ?? ''), 20_000);
    const text = (await details.textContent()) ?? '';
    expect(text).toContain(`Lamp${status.telemetry?.lamps?.[0]?.hours} h`);
    expect(text).toContain('Device reportslamp warning');
    // HDMI1 from the gallery scene, HDMI2 in the evening window: whichever the hour wants.
    const wantedInput = status.aspects.find((aspect) => aspect.name === 'input')?.wanted;
    expect(text).toContain(status.desired === 'on' ? `input${String(wantedInput)} as wanted` : 'left alone while off');
    await card(id).locator('.summary').click();
  });

  it('when a doors-open report is asked for, then the board shows its summary and every machine not ready with its reason', async () => {
    const asked = await api.call('POST', '/readiness/doors-open', { json: { by: 'board test', reason: 'rehearsal' } });
    expect(asked.status, asked.text).toBe(202);
    const panel = page.locator('#readiness');
    // The board asks for the report every 30 s; a reload asks at once.
    const report = await waitFor('the report', async () => (await api.call<ReadinessStatus>('GET', '/readiness')).body.reports?.find((entry) => entry.trigger.includes('board test')), 60_000);
    await page.reload();
    await boardReady();
    await waitFor('the panel to show the report', async () => ((await panel.textContent()) ?? '').includes(report.summary), 40_000);
    const text = (await panel.textContent()) ?? '';
    expect(report.notReady.map((machine) => machine.id), 'the hung projector, wanted on at every opening, is not ready').toContain('proj-07');
    for (const machine of report.notReady) expect(text).toContain(machine.reason);
    expect(await panel.getAttribute('data-state')).toBe('not-ready');
    const shot = path.join(ARTIFACTS, 'readiness.png');
    await panel.screenshot({ path: shot });
    if (process.env.DOCS_SCREENSHOTS) await copyFile(shot, path.join(ROOT, 'docs/readiness.png'));
  });

  it('when a machine fails, then its card says so with the last error, and the board reads well on a desktop and a phone', async () => {
    await card('proj-07').scrollIntoViewIfNeeded();
    // Failing once its checks have failed, on the board after the feed's next sweep.
    const hung = venue.machines.find((spec) => spec.id === 'proj-07')!;
    await waitFor('proj-07 failing with its last error on the board', async () => {
      const error = await card('proj-07').locator('.last-error').textContent().catch(() => null);
      return (await card('proj-07').getAttribute('data-attention')) === 'failing' && error?.includes('no reply within 3000 ms');
    }, failingWithinMs(hung) + BOARD_SWEEP_WITHIN_MS);
    await card(forcedOn).locator('.summary').click();
    await expand('proj-07');
    await waitFor('proj-07 details', async () => (await card('proj-07').locator('.details dt').allTextContents()).includes('Last error'));
    const desktop = path.join(ARTIFACTS, 'board.png');
    await screenshotWhole(desktop);
    if (process.env.DOCS_SCREENSHOTS) await copyFile(desktop, path.join(ROOT, 'docs/board.png'));

    await page.setViewportSize({ width: 390, height: 844 });
    await expand('proj-07');
    const buttons = await card('proj-07').locator('.actions button').all();
    for (const button of buttons) expect((await button.boundingBox())?.height ?? 0).toBeGreaterThanOrEqual(44);
    const lefts = new Set(await Promise.all((await page.locator('section[data-group="gallery-west"] .machine').all()).map(async (m) => (await m.boundingBox())?.x)));
    expect(lefts.size).toBe(1);
    expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).document.documentElement.scrollWidth <= (globalThis as unknown as PageGlobals).innerWidth)).toBe(true);
    await card('proj-07').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(ARTIFACTS, 'board-phone.png') });
    await card('proj-07').locator('.summary').click();
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('when the PDU loses its mains, then the machines it feeds are listed under it, each card says what blocks it, and only the PDU is failing', async () => {
    const pdu = venue.machines.find((spec) => spec.id === 'pdu-01')!;
    const fed = venue.machines.filter((spec) => spec.dependencies?.needs.includes('pdu-01')).map((spec) => spec.id).sort();
    simulator.device('pdu-01').setPower('off');
    try {
      const line = page.locator('#blocked li[data-root="pdu-01"]');
      await waitFor('every machine on the PDU listed under it', async () => {
        const listed = (await line.locator('.blocked-ids').textContent().catch(() => '')) ?? '';
        return listed.split(', ').sort().join() === fed.join();
      }, failingWithinMs(pdu) + BOARD_SWEEP_WITHIN_MS);
      expect(await line.textContent()).toBe(`pdu-01 blocks ${fed.length}: ${fed.join(', ')}`);
      await card('mixer-01').scrollIntoViewIfNeeded();
      expect(await card('mixer-01').getAttribute('data-attention')).toBe('blocked');
      expect(await card('mixer-01').locator('.badge.blocked').textContent()).toBe('blocked by pdu-01');
      await waitFor('the PDU failing on the board', async () => (await card('pdu-01').getAttribute('data-attention')) === 'failing', failingWithinMs(pdu) + BOARD_SWEEP_WITHIN_MS);
      expect(await page.locator('.machine[data-attention="failing"]').evaluateAll((cards) => cards.map((each) => each.getAttribute('data-id')).filter((id) => !['proj-07', 'player-07'].includes(id ?? '')))).toEqual(['pdu-01']);
      await page.locator('#blocked').screenshot({ path: path.join(ARTIFACTS, 'board-blocked.png') });
    } finally {
      simulator.device('pdu-01').setPower('on');
    }
    await waitFor('the blocked list gone once the PDU is back', () => page.locator('#blocked').isHidden(), failingWithinMs(pdu) + BOARD_SWEEP_WITHIN_MS);
  });

  it('when a machine whose name holds HTML joins the venue, then the board shows the name as text and runs none of it', async () => {
    await fleet.start([...venue.machines, htmlSpec]);

    await card(HTML_MACHINE).waitFor({ timeout: 20_000 });
    expect(await card(HTML_MACHINE).locator('.name').textContent()).toBe(HTML_NAME);
    expect(await card(HTML_MACHINE).locator('.name *').count()).toBe(0);
    await expand(HTML_MACHINE);
    await card(HTML_MACHINE).locator('button[data-action="force-off"]').click();
    expect(await page.locator('#action-title').textContent()).toBe(`Force off: ${HTML_NAME}`);
    expect(await page.locator('#action-dialog img, #action-dialog script, .injected').count()).toBe(0);
    await page.locator('#action-cancel').click();
    expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).pwned)).toBeUndefined();
  });
});
