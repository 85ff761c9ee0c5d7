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

  it('when a workflow package imports a sibling package\'s contract, then nothing is reported; any other file of it is reported', async () => {
    expect(await lint('workflows/readiness/lint-probe.ts', `import { reconcileNowSignal } from '../machine/contract';\nexport const signal = reconcileNowSignal;\n`)).toEqual([]);
    const messages = await lint('workflows/readiness/lint-probe.ts', `import { statusOf } from '../machine/status';\nexport const status = statusOf;\n`);
    expect(messages).toHaveLength(1);
  });

  it('when code outside workflows/ imports a file of the readiness workflow other than its contract, then it is reported', async () => {
    const messages = await lint('api/lint-probe.ts', `import { readinessWorkflow } from '../workflows/readiness/workflow';\nexport const run = readinessWorkflow;\n`);
    expect(messages).toHaveLength(1);
  });

  it('when workflow code imports another file of its package, then nothing is reported', async () => {
    expect(await lint('workflows/machine/lint-probe.ts', `import { InterruptiblePause } from './interruptible-pause';\nexport const pause = new InterruptiblePause();\n`)).toEqual([]);
  });
});

describe('the driver spec lint rules', () => {
  it('when workflow code imports the driver registry or a family spec, then nothing is reported', async () => {
    const source =
      `import { deviceCallDeadlineMs } from '../../activities/drivers/specs';\nimport { tcpSteps } from '../../activities/drivers/tcp/spec';\n` +
      `export const all = [deviceCallDeadlineMs, tcpSteps];\n`;
    expect(await lint('workflows/machine/lint-probe.ts', source)).toEqual([]);
  });

  it('when workflow code imports a driver client or schema at runtime, then each import is reported', async () => {
    const messages = await lint(
      'domain/lint-probe.ts',
      `import { driverFor } from '../activities/drivers';\nimport { pjlinkSchema } from '../activities/drivers/pjlink/schema';\n` +
        `export const all = [driverFor, pjlinkSchema];\n`,
    );

    expect(messages).toHaveLength(2);
    expect(messages.every((message) => message.startsWith('@typescript-eslint/no-restricted-imports'))).toBe(true);
  });

  it('when a driver spec imports zod, a Node built-in or client code at runtime, then each import is reported', async () => {
    const messages = await lint(
      'activities/drivers/lint-probe/spec.ts',
      `import { z } from 'zod';\nimport { connect } from 'node:net';\nimport { specOf } from '../shared/client';\n` +
        `export const all = [z, connect, specOf];\n`,
    );

    expect(messages).toHaveLength(3);
    expect(messages.every((message) => message.startsWith('@typescript-eslint/no-restricted-imports'))).toBe(true);
  });

  it('when a driver spec imports other specs, and anything else as a type, then nothing is reported', async () => {
    const source =
      `import { httpSteps } from '../http/spec';\nimport { sumOfSteps, type DriverTimeouts } from '../shared/spec';\n` +
      `import type { MachineTarget } from '../../../domain/types';\n` +
      `export const deadlineMs = (timeouts: DriverTimeouts, _target?: MachineTarget) => sumOfSteps(httpSteps({ timeouts }));\n`;
    expect(await lint('activities/drivers/lint-probe/spec.ts', source)).toEqual([]);
  });

  it('when the driver registry uses setTimeout, then the use is reported', async () => {
    const messages = await lint('activities/drivers/specs.ts', `export const wait = () => setTimeout(() => undefined, 10);\n`);

    expect(messages).toEqual([expect.stringMatching(/^no-restricted-globals: .*setTimeout/)]);
  });
});

describe('the simulator lint rule', () => {
  it('when simulator code imports a driver, its spec or domain code, even as a type, then each import is reported', async () => {
    const messages = await lint(
      'simulator/devices/lint-probe.ts',
      `import { pjlinkDriver } from '../../activities/drivers/pjlink/client';\nimport type { PjlinkDriverSpec } from '../../activities/drivers/pjlink/spec';\n` +
        `import type { Power } from '../../domain/types';\nexport const all = [pjlinkDriver];\nexport type Both = [PjlinkDriverSpec, Power];\n`,
    );

    expect(messages).toHaveLength(3);
    expect(messages.every((message) => message.startsWith('@typescript-eslint/no-restricted-imports'))).toBe(true);
  });
});
