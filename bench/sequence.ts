/**
 * `npm run bench:sequence`: the opening of a venue whose machines hang on each other in three
 * levels (racks, mixers, amplifiers), every device off and wanted on: how long it takes against
 * `levels x step + one tick`, whether any device came on before what it needs, the messages
 * between machine workflows, and the healthy tick's cost afterwards, next to the same venue without
 * dependencies. See BENCHMARKS.md.
 *
 *   npm run bench:sequence -- --machines 1000 --tick 10s --out sequence.json
 */
import { FlagError, parseFlags, runBenchmarkCommand, type FlagSpec } from './lib/flags';
import { writeReportIfAsked } from './lib/report';
import { DB_FLAG, OUT_FLAG, TICK_FLAG, WARMUP_FLAG } from './scale/flags';
import { hostFacts } from './scale/report';
import { databaseModeOf } from './scale/run';
import { buildReport, formatTable } from './sequence/report';
import { runSequence, type SequenceOptions } from './sequence/run';

const FLAGS = {
  machines: { type: 'integer', default: 1_000, min: 3, help: 'simulated machines: 1% racks, 9% mixers, 90% amplifiers' },
  tick: TICK_FLAG,
  recheck: { type: 'duration', default: 10_000, minMs: 1_000, help: 'controller.dependencies.recheck of the venue with dependencies' },
  boot: { type: 'duration', default: 2_000, help: 'boot time of every device after a power-on (keep it under --recheck)' },
  cycles: { type: 'integer', default: 3, min: 1, help: 'healthy ticks measured after the opening' },
  warmup: WARMUP_FLAG,
  db: DB_FLAG,
  'history-sample': { type: 'integer', default: 200, min: 1, help: 'workflows whose histories are read for events per tick' },
  'no-dependencies': { type: 'boolean', help: 'only the venue without dependencies' },
  'no-baseline': { type: 'boolean', help: 'only the venue with dependencies' },
  out: OUT_FLAG,
} satisfies Record<string, FlagSpec>;

async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2), FLAGS);
  if (flags['no-dependencies'] && flags['no-baseline']) throw new FlagError('--no-dependencies and --no-baseline leave nothing to run');
  const options: SequenceOptions = {
    machines: flags.machines,
    tickMs: flags.tick,
    recheckMs: flags.recheck,
    bootMs: flags.boot,
    cycles: flags.cycles,
    warmupMs: flags.warmup || undefined,
    db: databaseModeOf(flags.db),
    historySample: flags['history-sample'],
    withDependencies: !flags['no-dependencies'],
    withoutDependencies: !flags['no-baseline'],
    log: (line) => console.error(`${new Date().toISOString().slice(11, 19)} ${line}`),
  };
  const startedAt = new Date();
  const host = hostFacts();
  const report = buildReport(options, await runSequence(options), startedAt, host);
  console.log(formatTable(report));
  await writeReportIfAsked(flags.out, report);
}

runBenchmarkCommand('npm run bench:sequence --', FLAGS, main);
