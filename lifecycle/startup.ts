/**
 * A process's start-up as one ordered sequence: each step that starts something registers how
 * to stop it, and stopping runs those in reverse order (the worker before its connection, the
 * dev server last). A stop that fails is reported beside the failure that caused the stop and
 * never replaces it, so the one line a user reads is the cause.
 */

/** A start-up failure whose message already says what failed, the value, the setting and what to do. */
export class StartupError extends Error {
  override readonly name = 'StartupError';
}

export class Startup {
  readonly #stops: { what: string; stop: () => Promise<void> }[] = [];
  #stopping: Promise<void> | undefined;

  constructor(private readonly report: (line: string) => void = (line) => console.error(line)) {}

  /** Registers how to stop what was just started; `what` names it in a report of a failed stop. */
  started(what: string, stop: () => Promise<void>): void {
    this.#stops.push({ what, stop });
  }

  /** Stops everything started, newest first; safe to call more than once. */
  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      for (const { what, stop } of this.#stops.reverse()) {
        try {
          await stop();
        } catch (error) {
          this.report(`while stopping ${what}: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
    })();
    return this.#stopping;
  }
}

/** Runs `main`, stops what it started however it ends, prints the cause of a failure in one line, and exits. */
export function runProcess(main: (startup: Startup) => Promise<void>): void {
  const startup = new Startup();
  main(startup).then(
    async () => {
      await startup.stop();
      process.exit(0);
    },
    async (error: unknown) => {
      console.error(error instanceof Error ? error.message : String(error));
      await startup.stop();
      process.exit(1);
    },
  );
}

/**
 * The one line for a port that cannot be bound, naming the setting that chose it. Anything else
 * is returned unchanged.
 */
export function portFailure(error: unknown, setting: string, port: number | string): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EADDRINUSE') return portInUse(setting, port, error);
  if (code === 'EACCES') return new StartupError(`${setting} ${port} may not be bound by this user (EACCES): choose a port above 1023 or set ${setting}`, { cause: error });
  if (code === 'EADDRNOTAVAIL') return new StartupError(`${setting}: the address is not one of this machine's (EADDRNOTAVAIL)`, { cause: error });
  return error;
}

export function portInUse(setting: string, port: number | string, cause: unknown): StartupError {
  return new StartupError(`${setting} ${port} is already in use (EADDRINUSE): stop what listens there or set ${setting}`, { cause });
}
