/** Reading the Temporal Web UI as an operator does: a machine's history page and its failed rows. */
import type { Client } from '@temporalio/client';
import type { Locator, Page } from 'playwright-core';
import { machineWorkflowId } from '../../fleet/machines';

interface PageGlobals {
  getComputedStyle(element: unknown): { backgroundColor: string };
}

/** The history page of the machine's current run. */
export async function historyUrl(client: Client, webUi: { uiUrl: string; namespace: string }, machineId: string): Promise<string> {
  const workflowId = machineWorkflowId(machineId);
  const { runId } = await client.workflow.getHandle(workflowId).describe();
  return `${webUi.uiUrl}/namespaces/${webUi.namespace}/workflows/${workflowId}/${runId}/history`;
}

/** The history's "Activity Task Failed" row whose failure message matches. */
export function failedActivityRow(page: Page, message: RegExp): Locator {
  return page.getByTestId('event-summary-row').filter({ hasText: 'Activity Task Failed' }).filter({ hasText: message }).first();
}

/** The row's computed background: the Web UI marks failed events with a red one, whatever its class names. */
export async function backgroundOf(row: Locator): Promise<{ color: string; reddish: boolean }> {
  // Runs in the page; the project's TypeScript has no DOM library.
  const color = await row.evaluate((element) => (globalThis as unknown as PageGlobals).getComputedStyle(element).backgroundColor);
  const [r = 0, g = 0, b = 0, alpha = 1] = (color.match(/[\d.]+/g) ?? []).map(Number);
  return { color, reddish: alpha > 0 && r > 1.5 * g && r > 1.5 * b };
}
