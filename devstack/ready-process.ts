/**
 * A long-running helper program (Prometheus, Alertmanager) started beside the demo: resolved once
 * its readiness URL answers, stopped with SIGTERM (SIGKILL after a grace period). On Linux it gets
 * SIGTERM from the kernel should the process that started it die without stopping it.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { StartupError } from '../lifecycle/startup';

const SETPRIV = '/usr/bin/setpriv';
const PARENT_DEATH_SIGNAL = existsSync(SETPRIV) ? [SETPRIV, '--pdeathsig', 'TERM', '--'] : [];
const OUTPUT_TAIL_CHARS = 4_000;
const STOP_GRACE_MS = 5_000;

export interface ReadyProcess {
  /** What it printed last, stdout and stderr together. */
  output(): string;
  /** Resolves once it exited; safe to call more than once. */
  stop(): Promise<void>;
}

export interface ReadyProcessOptions {
  /** Names it in messages, e.g. "Alertmanager". */
  name: string;
  command: string;
  args: string[];
  /** Answers 200 once it is ready, e.g. http://127.0.0.1:9093/-/ready. */
  readyUrl: string;
  readyTimeoutMs?: number;
  /** Its own process group, so a terminal's Ctrl-C reaches only the process that stops it in order. */
  detached?: boolean;
}

export async function startReadyProcess(options: ReadyProcessOptions): Promise<ReadyProcess> {
  const [command, ...args] = [...PARENT_DEATH_SIGNAL, options.command, ...options.args];
  const child = spawn(command as string, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: options.detached ?? false });
  let output = '';
  const keepTail = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-OUTPUT_TAIL_CHARS);
  };
  child.stdout.on('data', keepTail);
  child.stderr.on('data', keepTail);
  let ended = false;
  // Spawn failures arrive as 'error' with no 'exit'.
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', (error) => {
      output += `\n${error.message}`;
      resolve();
    });
  }).then(() => {
    ended = true;
  });
  const killOnParentExit = () => void child.kill('SIGKILL');
  process.once('exit', killOnParentExit);

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      if (!ended) {
        child.kill('SIGTERM');
        const forced = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
        await exited;
        clearTimeout(forced);
      }
      process.off('exit', killOnParentExit);
    })();
    return stopping;
  };

  const deadline = Date.now() + (options.readyTimeoutMs ?? 30_000);
  for (;;) {
    if (ended) {
      await stop();
      throw new StartupError(`${options.name} exited before it was ready (${options.command} ${options.args.join(' ')}):\n${output.trim()}`);
    }
    if (await answers(options.readyUrl)) return { output: () => output, stop };
    if (Date.now() > deadline) {
      await stop();
      throw new StartupError(`${options.name} was not ready at ${options.readyUrl} within ${options.readyTimeoutMs ?? 30_000} ms:\n${output.trim()}`);
    }
    await sleep(200);
  }
}

async function answers(url: string): Promise<boolean> {
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(1_000) })).ok;
  } catch {
    return false;
  }
}
