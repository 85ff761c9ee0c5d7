/**
 * CPU time and resident memory of the processes under measurement, sampled from /proc over the
 * measured window (harness/proc.ts): what they cost, not what they report.
 */
import { sampleProcess, type ProcessSample } from '../../harness/proc';

const MB = 1024 * 1024;

export interface UsageOverWindow {
  cpuSeconds: number;
  rssMb: { start: number; end: number; max: number };
}

/** Samples a set of processes every `intervalMs` from start() to stop(). */
export class ProcessWatch {
  readonly #samples = new Map<number, ProcessSample[]>();
  #timer: NodeJS.Timeout | undefined;
  #sampling: Promise<void> = Promise.resolve();

  constructor(
    pids: number[],
    private readonly intervalMs = 1_000,
  ) {
    for (const pid of pids) this.#samples.set(pid, []);
  }

  async start(): Promise<void> {
    await this.#sampleAll();
    this.#timer = setInterval(() => void this.#sampleAll(), this.intervalMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#sampleAll();
  }

  usage(pid: number): UsageOverWindow {
    const samples = this.#samples.get(pid) ?? [];
    const first = samples[0];
    const last = samples[samples.length - 1];
    if (!first || !last) return { cpuSeconds: Number.NaN, rssMb: { start: Number.NaN, end: Number.NaN, max: Number.NaN } };
    return {
      cpuSeconds: last.cpuSeconds - first.cpuSeconds,
      rssMb: {
        start: first.rssBytes / MB,
        end: last.rssBytes / MB,
        max: samples.reduce((max, sample) => Math.max(max, sample.rssBytes), 0) / MB,
      },
    };
  }

  /** One round at a time, so a slow round cannot reorder samples. */
  #sampleAll(): Promise<void> {
    this.#sampling = this.#sampling.then(async () => {
      await Promise.all(
        [...this.#samples].map(async ([pid, samples]) => {
          // A process that died mid-window keeps the samples it had: its figures end there.
          const sample = await sampleProcess(pid).catch(() => undefined);
          if (sample) samples.push(sample);
        }),
      );
    });
    return this.#sampling;
  }
}
