import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const repoRoot = path.resolve(__dirname, '../..');
const eslint = new ESLint({ cwd: repoRoot });

/** Lints source as if it were saved at `file` (relative to the repo); the file need not exist. */
async function lint(file: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath: path.join(repoRoot, file) });
  return (result?.messages ?? []).map((message) => `${message.ruleId}: ${message.message}`);
}

const CLEAN_WORKFLOW = `
import { proxyActivities, sleep } from '@temporalio/workflow';
import type * as activities from '../activities';
import type { MachineSchedule } from '../domain/types';

const { probe } = proxyActivities<typeof activities>({ startToCloseTimeout: '1 minute' });

export async function probeTwice(schedule: MachineSchedule): Promise<string> {
  await probe(schedule.name);
  await sleep(Math.round(Math.random() * 1000) + Date.now() % 1);
  return schedule.name;
}
`;

describe('workflow determinism lint rules', () => {
  it('when workflow code imports node:fs, then the import is reported', async () => {
    const messages = await lint('workflows/lint-probe.ts', `import { readFileSync } from 'node:fs';\nexport const read = readFileSync;\n`);

    expect(messages).toEqual([expect.stringMatching(/^@typescript-eslint\/no-restricted-imports: .*node:fs/)]);
  });

  it('when domain code imports a bare built-in or worker-side code at runtime, then each import is reported', async () => {
    const messages = await lint(
      'domain/lint-probe.ts',
      `import { connect } from 'net';\nimport { loadVenue } from '../config/load';\nimport { Client } from '@temporalio/client';\n` +
        `export const all = [connect, loadVenue, Client];\n`,
    );

    expect(messages).toHaveLength(3);
    expect(messages.every((message) => message.startsWith('@typescript-eslint/no-restricted-imports'))).toBe(true);
  });

  it('when workflow code uses setTimeout or process, then each use is reported', async () => {
    const messages = await lint('workflows/lint-probe.ts', `export const wait = () => setTimeout(() => process.exit(0), 10);\n`);

    expect(messages).toEqual([
      expect.stringMatching(/^no-restricted-globals: .*setTimeout/),
      expect.stringMatching(/^no-restricted-globals: .*process/),
    ]);
  });

  it('when workflow code imports only workflow APIs and types, then nothing is reported', async () => {
    expect(await lint('workflows/lint-probe.ts', CLEAN_WORKFLOW)).toEqual([]);
  });

  it('when activity code imports node:fs, then nothing is reported', async () => {
    expect(await lint('activities/lint-probe.ts', `import { readFileSync } from 'node:fs';\nexport const read = readFileSync;\n`)).toEqual([]);
  });
});

describe('the machine workflow contract lint rule', () => {
  it('when code outside workflows/ imports a machine workflow file other than the contract, then each import is reported', async () => {
    const messages = await lint(
      'api/lint-probe.ts',
      `import { machineWorkflow } from '../workflows/machine/workflow';\nimport type { MachineState } from '../workflows/machine/machine-state';\n` +
        `export const run = machineWorkflow;\nexport type State = MachineState;\n`,
    );

    expect(messages).toHaveLength(2);
    expect(messages.every((message) => message.startsWith('@typescript-eslint/no-restricted-imports'))).toBe(true);
  });

  it('when code outside workflows/ imports the contract, then nothing is reported', async () => {
    expect(await lint('api/lint-probe.ts', `import { statusQuery } from '../workflows/machine/contract';\nexport const query = statusQuery;\n`)).toEqual([]);
  });

  it('when workflow code imports another file of its package, then nothing is reported', async () => {
    expect(await lint('workflows/machine/lint-probe.ts', `import { InterruptiblePause } from './interruptible-pause';\nexport const pause = new InterruptiblePause();\n`)).toEqual([]);
  });
});
