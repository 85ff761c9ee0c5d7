/**
 * `npm run build`: compiles the processes that run in production (worker, API, inventory sync,
 * device simulator, the Alertmanager configuration and the demo's notification printer) to `dist/` and bundles the workflow code once into `dist/workflow-bundle.js`,
 * which worker/create-worker.ts loads instead of bundling the sources at every start.
 * The Dockerfile runs it; `node dist/worker/main.js` is then the worker.
 */
import { cp, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import ts from 'typescript';

const ROOT = path.resolve(__dirname, '..');

/** What `npm run worker|api|sync|simulator|alertmanager-config|notification-printer` run with tsx; everything they import is compiled with them. */
export const ENTRY_POINTS = ['worker/main.ts', 'api/main.ts', 'inventory/cli.ts', 'simulator/cli.ts', 'alerting/cli.ts', 'alerting/print-notifications.ts'] as const;
export const WORKFLOW_BUNDLE_FILE = 'workflow-bundle.js';
/** Files a compiled module may read from beside itself (pages, styles, scripts for the browser). */
const ASSET_EXTENSIONS = new Set(['.html', '.css', '.js', '.mjs', '.svg', '.png', '.ico', '.webmanifest', '.json', '.tmpl']);

export class BuildError extends Error {
  override readonly name = 'BuildError';
}

export interface BuildOptions {
  /** Where the output goes; everything in it is replaced. */
  outDir?: string;
}

export interface BuildResult {
  outDir: string;
  compiledFiles: number;
  bundleBytes: number;
}

export async function build(options: BuildOptions = {}): Promise<BuildResult> {
  const outDir = path.resolve(ROOT, options.outDir ?? 'dist');
  await rm(outDir, { recursive: true, force: true });
  const compiledFiles = compile(outDir);
  await copyAssets(compiledFiles, outDir);
  const bundleBytes = await bundleWorkflows(outDir);
  return { outDir, compiledFiles: compiledFiles.length, bundleBytes };
}

/** Type-checks and emits the entry points and what they import, with the project's own tsconfig. */
function compile(outDir: string): string[] {
  const configFile = path.join(ROOT, 'tsconfig.json');
  const parsed = ts.getParsedCommandLineOfConfigFile(configFile, { outDir, noEmit: false }, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
      throw new BuildError(formatDiagnostics([diagnostic]));
    },
  });
  if (!parsed) throw new BuildError(`cannot read ${configFile}`);
  const program = ts.createProgram({
    rootNames: ENTRY_POINTS.map((entry) => path.join(ROOT, entry)),
    options: parsed.options,
  });
  const emitted = program.emit();
  const diagnostics = [...ts.getPreEmitDiagnostics(program), ...emitted.diagnostics];
  if (diagnostics.length > 0) throw new BuildError(formatDiagnostics(diagnostics));
  return program
    .getSourceFiles()
    .map((file) => file.fileName)
    .filter((file) => !file.includes(`${path.sep}node_modules${path.sep}`) && path.resolve(file).startsWith(ROOT));
}

/**
 * Non-TypeScript files in the folders of compiled modules and in the folders below them (the
 * status board's api/board/page/), so `path.join(__dirname, ...)` finds them in dist too.
 */
async function copyAssets(compiledFiles: string[], outDir: string): Promise<void> {
  const folders = new Set(compiledFiles.map((file) => path.dirname(path.resolve(file))));
  const assets = new Set<string>();
  for (const folder of folders) {
    for (const entry of await readdir(folder, { withFileTypes: true, recursive: true })) {
      if (entry.isFile() && ASSET_EXTENSIONS.has(path.extname(entry.name))) assets.add(path.join(entry.parentPath, entry.name));
    }
  }
  for (const asset of assets) {
    const target = path.join(outDir, path.relative(ROOT, asset));
    await mkdir(path.dirname(target), { recursive: true });
    await cp(asset, target);
  }
}

async function bundleWorkflows(outDir: string): Promise<number> {
  const { code } = await bundleWorkflowCode({
    workflowsPath: path.join(ROOT, 'workflows/index.ts'),
    logger: new DefaultLogger('WARN'),
  });
  await writeFile(path.join(outDir, WORKFLOW_BUNDLE_FILE), code);
  return Buffer.byteLength(code);
}

function formatDiagnostics(diagnostics: readonly ts.Diagnostic[]): string {
  return ts.formatDiagnostics(diagnostics, {
    getCanonicalFileName: (name) => name,
    getCurrentDirectory: () => ROOT,
    getNewLine: () => '\n',
  });
}

if (require.main === module) {
  const { values } = parseArgs({ options: { 'out-dir': { type: 'string' } } });
  build({ outDir: values['out-dir'] }).then(
    (result) => {
      const relative = path.relative(process.cwd(), result.outDir) || '.';
      console.log(`built ${result.compiledFiles} modules and a ${(result.bundleBytes / 1e6).toFixed(1)} MB workflow bundle into ${relative}/`);
    },
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exitCode = 1;
    },
  );
}
