import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveTemporalCli } from '../../devstack/temporal-cli';
import { machineSearchAttributes } from '../../workflows/machine/contract';
import { temporalAddress } from '../support/temporal';
import { ROOT } from './compose';

const run = promisify(execFile);
const SCRIPT = path.join(ROOT, 'deploy/temporal-init.sh');

let cli: string;
const namespace = `init-${randomUUID()}`;
/** What the temporal-init service gets: the standard connection variables, nothing else. */
const env = (): NodeJS.ProcessEnv => ({
  PATH: `${path.dirname(cli)}${path.delimiter}${process.env.PATH}`,
  HOME: process.env.HOME,
  TEMPORAL_ADDRESS: temporalAddress(),
  TEMPORAL_NAMESPACE: namespace,
});

beforeAll(async () => {
  cli = await resolveTemporalCli();
});

describe('deploy/temporal-init.sh, as the temporal-init service runs it', () => {
  it('when it runs against a cluster without the namespace, then it creates it with the search attributes of workflows/machine/contract.ts', async () => {
    await run('sh', [SCRIPT], { env: env() });

    const expected = Object.fromEntries(machineSearchAttributes.map(({ name, type }) => [name, `INDEXED_VALUE_TYPE_${type.toUpperCase()}`]));
    expect(await customSearchAttributes()).toEqual(expected);
  });

  it('when it runs again, then it succeeds and changes nothing', async () => {
    const before = await customSearchAttributes();
    const { stdout } = await run('sh', [SCRIPT], { env: env() });
    expect(stdout).toContain(`namespace ${namespace} is ready`);
    expect(await customSearchAttributes()).toEqual(before);
  });
});

async function customSearchAttributes(): Promise<Record<string, string>> {
  const { stdout } = await run(cli, ['operator', 'search-attribute', 'list', '--namespace', namespace, '--output', 'json'], { env: env() });
  return (JSON.parse(stdout) as { customAttributes: Record<string, string> }).customAttributes;
}
