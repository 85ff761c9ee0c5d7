/**
 * `npm run temporal -- <args>`: the project's pinned Temporal CLI, pointed at the local dev server
 * (127.0.0.1:$TEMPORAL_PORT, default 7233) unless TEMPORAL_ADDRESS says otherwise.
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { resolveTemporalCli } from './temporal-cli';

const FORWARDED_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

async function main(): Promise<void> {
  const cli = await resolveTemporalCli();
  const env = { ...process.env };
  env.TEMPORAL_ADDRESS ??= `127.0.0.1:${process.env.TEMPORAL_PORT ?? 7233}`;

  const child = spawn(cli, process.argv.slice(2), { stdio: 'inherit', env });
  // The CLI decides how to shut down (start-dev stops gracefully); this wrapper only passes signals on.
  for (const signal of FORWARDED_SIGNALS) {
    process.on(signal, () => child.kill(signal));
  }
  child.once('error', (error) => {
    console.error(`could not run ${cli}: ${error.message}`);
    process.exit(1);
  });
  child.once('exit', (code, signal) => {
    process.exit(code ?? 128 + (signal ? constants.signals[signal] : 0));
  });
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
