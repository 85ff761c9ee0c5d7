/**
 * Child process entry for tuning experiments: our worker exactly as worker/main.ts starts it,
 * plus the SDK worker options in BENCH_WORKER_OPTIONS (JSON), e.g. {"maxCachedWorkflows":1000},
 * applied over ours. Lets the benchmark measure an option before worker/ grows a setting for it.
 */
import type { TunableWorkerOptions } from '../../worker/create-worker';
import { runWorkerProcess } from '../../worker/start';

runWorkerProcess({ tuning: JSON.parse(process.env.BENCH_WORKER_OPTIONS ?? '{}') as TunableWorkerOptions });
