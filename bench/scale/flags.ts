/** Flags bench:scale shares with the benchmarks built on its loop (bench:sequence), meant alike in each. */
import type { FlagSpec } from '../lib/flags';

export const TICK_FLAG = { type: 'duration', default: 60_000, minMs: 1_000, help: 'controller tick of every machine' } satisfies FlagSpec;
export const WARMUP_FLAG = { type: 'duration', default: 0, help: 'unmeasured time before the measured ticks begin; 0: one tick' } satisfies FlagSpec;
export const DB_FLAG = { type: 'string', default: 'file', help: 'dev server persistence: file (SQLite, WAL) or memory' } satisfies FlagSpec;
export const OUT_FLAG = { type: 'string', help: 'write the JSON report here' } satisfies FlagSpec;
