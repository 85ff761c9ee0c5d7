/**
 * A child process a benchmark or test owns: started with its output drained (a full pipe would
 * stall it), readiness read from its output, stopped politely or killed, and never outliving the
 * parent.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { RUNTIME_PROBE_MODULE } from './runtime-sample';

export const REPO_ROOT = path.resolve(__dirname, '..');

export interface ChildOptions {
  /** For messages: `worker`, `simulator`. */
  name: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Opens an IPC channel (needed for runtime samples). */
  ipc?: boolean;
}

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export class ChildProcessError extends Error {
  override readonly name = 'ChildProcessError';
}

const OUTPUT_TAIL_CHARS = 16_000;
const KEPT_STDOUT_LINES = 2_000;

export class ManagedChild {
  readonly name: string;
  readonly process: ChildProcess;
  readonly exited: Promise<ChildExit>;
  readonly #stdoutLines: string[] = [];
  readonly #lineWaiters = new Set<(line: string) => void>();
  #tail = '';
  #stopping: Promise<ChildExit> | undefined;
  readonly #killOnParentExit = () => void this.process.kill('SIGKILL');

  constructor(options: ChildOptions) {
    this.name = options.name;
    this.process = spawn(options.command, options.args, {
      cwd: options.cwd ?? REPO_ROOT,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe', ...(options.ipc ? (['ipc'] as const) : [])],
    });
    const spawnFailed = new Promise<ChildExit>((_, reject) =>
      this.process.once('error', (error) => reject(new ChildProcessError(`${this.name}: could not start: ${error.message}`))),
    );
    this.exited = Promise.race([
      new Promise<ChildExit>((resolve) => this.process.once('exit', (code, signal) => resolve({ code, signal }))),
      spawnFailed,
    ]).finally(() => process.removeListener('exit', this.#killOnParentExit));
    this.exited.catch(() => undefined);
    process.once('exit', this.#killOnParentExit);

    createInterface({ input: this.process.stdout! }).on('line', (line) => {
      this.#remember(`${line}\n`);
      if (this.#stdoutLines.length < KEPT_STDOUT_LINES) this.#stdoutLines.push(line);
      for (const waiter of this.#lineWaiters) waiter(line);
    });
    this.process.stderr!.on('data', (chunk: Buffer) => this.#remember(chunk.toString('utf8')));
  }

  get pid(): number {
    return this.process.pid as number;
  }

  get running(): boolean {
    return this.process.exitCode === null && this.process.signalCode === null;
  }

  /** The last few KB of stdout and stderr, for error messages. */
  output(): string {
    return this.#tail.trimEnd();
  }

  /** Resolves with the first stdout line (seen so far or later) that matches; rejects if the child exits first. */
  waitForLine(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
    for (const line of this.#stdoutLines) {
      const match = pattern.exec(line);
      if (match) return Promise.resolve(match);
    }
    return new Promise((resolve, reject) => {
      const finish = (error?: Error, match?: RegExpMatchArray) => {
        clearTimeout(timer);
        this.#lineWaiters.delete(onLine);
        if (error) reject(error);
        else resolve(match as RegExpMatchArray);
      };
      const onLine = (line: string) => {
        const match = pattern.exec(line);
        if (match) finish(undefined, match);
      };
      const timer = setTimeout(
        () => finish(new ChildProcessError(`${this.name}: no line matching ${pattern} within ${timeoutMs} ms:\n${this.output()}`)),
        timeoutMs,
      );
      this.#lineWaiters.add(onLine);
      void this.exited.then(
        (exit) => finish(new ChildProcessError(`${this.name} exited (code ${exit.code}, signal ${exit.signal}) before ${pattern}:\n${this.output()}`)),
        (error: Error) => finish(error),
      );
    });
  }

  /** SIGTERM, then SIGKILL after graceMs. Safe to call repeatedly and after the child exited. */
  stop(graceMs = 15_000): Promise<ChildExit> {
    this.#stopping ??= (async () => {
      if (!this.running) return this.exited;
      this.process.kill('SIGTERM');
      const graceOver = sleep(graceMs, 'grace over' as const, { ref: false });
      if ((await Promise.race([this.exited, graceOver])) === 'grace over') this.process.kill('SIGKILL');
      return this.exited;
    })();
    return this.#stopping;
  }

  /** kill -9: no shutdown code runs in the child. */
  async kill(): Promise<ChildExit> {
    if (this.running) this.process.kill('SIGKILL');
    return this.exited;
  }

  #remember(text: string): void {
    this.#tail = (this.#tail + text).slice(-OUTPUT_TAIL_CHARS);
  }
}

/**
 * Runs a TypeScript entry point with node and tsx's CommonJS hook, so /proc of the child is the
 * program itself, not npx. `--require` rather than `--import`: the SDK's worker threads inherit
 * these flags, and tsx's ESM hooks do not reach them, so a preloaded .ts would fail to load there.
 */
export function startTsChild(options: Omit<ChildOptions, 'command' | 'args'> & { script: string; args?: string[]; runtimeProbe?: boolean }): ManagedChild {
  const preload = ['--require', 'tsx/cjs', ...(options.runtimeProbe ? ['--require', RUNTIME_PROBE_MODULE] : [])];
  return new ManagedChild({
    ...options,
    command: process.execPath,
    args: [...preload, options.script, ...(options.args ?? [])],
    ipc: options.ipc ?? options.runtimeProbe,
  });
}
