/**
 * `npm run bench:soak -- [--machines 200] [--hung 7] [--tick 4s] [--cycles 60] [--out FILE]`:
 * runs the fault soak (bench/soak/run.ts), prints a summary, writes the JSON report, and exits
 * 1 when a criterion fails (2 for bad flags).
 */
import { FlagError, HelpRequested, parseFlags, usage, type FlagSpec } from './lib/flags';
import { writeJsonReport } from './lib/report';
import { runSoak } from './soak/run';
import { soakSummary } from './soak/summary';
import { SoakVenueError } from './soak/venue';

const FLAGS = {
  machines: { type: 'integer', default: 200, min: 1, help: 'machines in the venue' },
  hung: { type: 'integer', default: 7, min: 1, help: 'PJLink projectors that accept and never answer' },
  // 200 machines at 4 s are 50 checks a second, 15 times the production pace, and leave the box a
  // third of its CPU. At 2 s (100 a second) even a minimal Temporal loop misses ticks on a 2-core
  // box, and at 3 s a check-heavy minute still can: docs/soak.md.
  tick: { type: 'duration', default: 4_000, minMs: 1_000, help: 'control loop period' },
  cycles: { type: 'integer', default: 60, min: 4, help: 'ticks measured after the warm-up' },
  'ticks-per-run': { type: 'integer', default: 0, help: 'continue-as-new after this many ticks; 0 keeps the workflow default' },
  out: { type: 'string', help: 'where the JSON report goes' },
} satisfies Record<string, FlagSpec>;

const COMMAND = 'npm run bench:soak --';

async function main(): Promise<number> {
  let flags;
  try {
    flags = parseFlags(process.argv.slice(2), FLAGS);
  } catch (error) {
    if (error instanceof HelpRequested) {
      console.log(usage(COMMAND, FLAGS));
      return 0;
    }
    if (error instanceof FlagError) {
      console.error(`${error.message}\n${usage(COMMAND, FLAGS)}`);
      return 2;
    }
    throw error;
  }
  try {
    const report = await runSoak({
      machines: flags.machines,
      hung: flags.hung,
      tickMs: flags.tick,
      cycles: flags.cycles,
      ticksPerRun: flags['ticks-per-run'] || undefined,
      log: (line) => console.error(line),
    });
    console.log(soakSummary(report));
    if (flags.out) {
      await writeJsonReport(flags.out, report);
      console.log(`report: ${flags.out}`);
    }
    return report.passed ? 0 : 1;
  } catch (error) {
    if (!(error instanceof SoakVenueError)) throw error;
    console.error(error.message);
    return 2;
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  },
);
