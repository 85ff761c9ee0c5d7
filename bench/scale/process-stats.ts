/** CPU time and resident memory of a process from /proc (Linux): what it cost, not what it says. */
import { readFileSync } from 'node:fs';

/** USER_HZ: the unit of utime/stime in /proc/<pid>/stat, 100 on every mainstream Linux. */
const CLOCK_TICKS_PER_SECOND = 100;
const PAGE_BYTES = 4096;
const MB = 1024 * 1024;

export interface ProcessSample {
  atMs: number;
  /** User plus system CPU time since the process started, all threads. */
  cpuSeconds: number;
  rssMb: number;
}

/** undefined once the process is gone. */
export function sampleProcess(pid: number): ProcessSample | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) may contain spaces and parentheses: count fields after its last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const field = (number: number): number => Number(fields[number - 3]);
  return {
    atMs: Date.now(),
    cpuSeconds: (field(14) + field(15)) / CLOCK_TICKS_PER_SECOND,
    rssMb: (field(24) * PAGE_BYTES) / MB,
  };
}

export interface UsageOverWindow {
  cpuSeconds: number;
  rssMb: { start: number; end: number; max: number };
}

/** Samples a set of processes every `intervalMs` until stopped; `usage(pid)` sums up one of them. */
export class ProcessWatch {
  readonly #samples = new Map<number, ProcessSample[]>();
  readonly #timer: NodeJS.Timeout;

  constructor(
    readonly pids: number[],
    intervalMs = 1_000,
  ) {
    for (const pid of pids) this.#samples.set(pid, []);
    this.sampleNow();
    this.#timer = setInterval(() => this.sampleNow(), intervalMs);
  }

  sampleNow(): void {
    for (const [pid, samples] of this.#samples) {
      const sample = sampleProcess(pid);
      if (sample) samples.push(sample);
    }
  }

  stop(): void {
    clearInterval(this.#timer);
    this.sampleNow();
  }

  usage(pid: number): UsageOverWindow {
    const samples = this.#samples.get(pid) ?? [];
    const first = samples[0];
    const last = samples[samples.length - 1];
    if (!first || !last) return { cpuSeconds: Number.NaN, rssMb: { start: Number.NaN, end: Number.NaN, max: Number.NaN } };
    return {
      cpuSeconds: last.cpuSeconds - first.cpuSeconds,
      rssMb: { start: first.rssMb, end: last.rssMb, max: Math.max(...samples.map((sample) => sample.rssMb)) },
    };
  }
}
