import { execFile } from 'node:child_process';
import { chmod, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { provisionTemporalCli, resolveTemporalCli, TEMPORAL_CLI_VERSION } from '../../devstack/temporal-cli';

const run = promisify(execFile);
const repoRoot = path.resolve(__dirname, '../..');
const tsx = path.join(repoRoot, 'node_modules', '.bin', 'tsx');

const scratchDirs: string[] = [];
afterEach(async () => {
  await Promise.all(scratchDirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

async function scratchDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'temporal-cli-test-'));
  scratchDirs.push(dir);
  return dir;
}

describe('resolveTemporalCli', () => {
  it('when resolved, then it is an executable that prints its version', async () => {
    const cli = await resolveTemporalCli();

    const { stdout } = await run(cli, ['--version']);

    expect(stdout).toMatch(/^temporal version \d+\.\d+\.\d+/);
  });

  it('when a temporal is on PATH, then the command-line entry prints that one', async () => {
    const binDir = await scratchDir();
    const onPath = path.join(binDir, 'temporal');
    await writeFile(onPath, '#!/bin/sh\necho "temporal version 0.0.0-on-path"\n');
    await chmod(onPath, 0o755);

    const { stdout } = await run(tsx, ['devstack/temporal-cli.ts'], {
      cwd: repoRoot,
      env: { ...process.env, PATH: `${binDir}${path.delimiter}${process.env.PATH ?? ''}` },
    });

    expect(stdout.trim()).toBe(onPath);
  });
});

describe('provisionTemporalCli', () => {
  it('when two callers provision into an empty folder at once, then both get the complete pinned binary', async () => {
    const installDir = path.join(await scratchDir(), 'temporal-cli');

    const [first, second] = await Promise.all([provisionTemporalCli(installDir), provisionTemporalCli(installDir)]);

    expect(first).toBe(path.join(installDir, 'temporal'));
    expect(second).toBe(first);
    expect(await readdir(installDir)).toEqual(['temporal']);
    const { stdout } = await run(first, ['--version']);
    expect(stdout).toContain(`temporal version ${TEMPORAL_CLI_VERSION}`);
  });
});
