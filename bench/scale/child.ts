/**
 * The benchmark's child processes: TypeScript entries run by this same Node with the tsx loader
 * in-process (`node --import tsx`), so the pid we sample is the process doing the work and not a
 * launcher in front of it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';

const OUTPUT_TAIL_CHARS = 8_000;

export interface ChildOptions {
  /** Shown in errors. */
  name: string;
  /** A .ts file. */
  entry: string;
  env: NodeJS.ProcessEnv;
  /** Resolves the start once a line of the child's output matches... */
  readyLine?: RegExp;
  /** ...or once it sends an IPC message of this type. */
  readyMessage?: string;
  readyTimeoutMs?: number;
  /** How long stop() waits after SIGTERM before SIGKILL. */
  stopGraceMs?: number;
}

export interface Child {
  name: string;
  pid: number;
  process: ChildProcess;
  /** The ready message (IPC) or the ready line. */
  ready: unknown;
  /** Output lines so far that match `pattern`. */
  outputLines(pattern: RegExp): string[];
  output(): string;
  stop(): Promise<void>;
}

export class ChildStartError extends Error {
  override readonly name = 'ChildStartError';
}

export async function startChild(options: ChildOptions): Promise<Child> {
  const ipc = options.readyMessage !== undefined;
  const child = spawn(process.execPath, ['--import', 'tsx', options.entry], {
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe', ...(ipc ? (['ipc'] as const) : [])],
  });
  let tail = '';
  const lines: string[] = [];
  let partial = '';
  let onLine: ((line: string) => void) | undefined;
  const append = (chunk: Buffer): void => {
    const text = chunk.toString('utf8');
    tail = (tail + text).slice(-OUTPUT_TAIL_CHARS);
    const parts = (partial + text).split('\n');
    partial = parts.pop() ?? '';
    for (const line of parts) {
      lines.push(line);
      if (lines.length > 1_000) lines.shift();
      onLine?.(line);
    }
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const killOnParentExit = (): void => void child.kill('SIGKILL');
  process.once('exit', killOnParentExit);

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const graceOver = sleep(options.stopGraceMs ?? 15_000, 'grace over' as const, { ref: false });
        if ((await Promise.race([exited, graceOver])) === 'grace over') {
          child.kill('SIGKILL');
          await exited;
        }
      }
      process.removeListener('exit', killOnParentExit);
    })();
    return stopping;
  };

  const timeoutMs = options.readyTimeoutMs ?? 120_000;
  let ready: unknown;
  try {
    ready = await new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new ChildStartError(`${options.name} not ready within ${timeoutMs} ms:\n${tail}`)),
        timeoutMs,
      );
      const settle = (value: unknown): void => {
        clearTimeout(timer);
        resolve(value);
      };
      void exited.then(() => {
        clearTimeout(timer);
        reject(new ChildStartError(`${options.name} exited before it was ready (code ${child.exitCode}):\n${tail}`));
      });
      child.once('error', (error) => {
        clearTimeout(timer);
        reject(new ChildStartError(`${options.name} could not start: ${error.message}`));
      });
      if (options.readyLine) {
        const pattern = options.readyLine;
        onLine = (line) => {
          if (pattern.test(line)) settle(line);
        };
      }
      if (ipc) {
        child.on('message', (message: { type?: string }) => {
          if (message?.type === options.readyMessage) settle(message);
        });
      }
    });
  } catch (error) {
    await stop();
    throw error;
  }
  onLine = undefined;
  return {
    name: options.name,
    pid: child.pid as number,
    process: child,
    ready,
    outputLines: (pattern) => lines.filter((line) => pattern.test(line)),
    output: () => tail.trimEnd(),
    stop,
  };
}

/** Sends a request over IPC and resolves with the first reply of `replyType`. */
export function ask<Reply>(child: Child, message: { type: string }, replyType: string, timeoutMs = 60_000): Promise<Reply> {
  return new Promise<Reply>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.process.off('message', onMessage);
      reject(new Error(`${child.name} did not answer ${message.type} within ${timeoutMs} ms`));
    }, timeoutMs);
    const onMessage = (reply: { type?: string }): void => {
      if (reply?.type !== replyType) return;
      clearTimeout(timer);
      child.process.off('message', onMessage);
      resolve(reply as Reply);
    };
    child.process.on('message', onMessage);
    child.process.send(message);
  });
}
