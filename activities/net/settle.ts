/** How the net clients hold every wait on a socket to a deadline and the caller's signal. */

export interface Settling<T> {
  resolve(value: T): void;
  reject(error: unknown): void;
  /**
   * Starts the deadline, replacing the one before: when `ms` pass first, the outcome is what
   * `atDeadline` returns or throws (read then, so it can name the step the operation is at).
   */
  deadline(ms: number, atDeadline: () => T): void;
  /** Runs once the operation has settled, whichever way. */
  cleanup(release: () => void): void;
}

/**
 * Runs an operation until the first of: it settles, its deadline passes, `signal` aborts (the
 * outcome is then `aborted(reason)`). Later outcomes are ignored. The deadline's timer and the
 * abort listener are released, then the operation's cleanups run, before the promise settles;
 * an already aborted signal fails it before it starts.
 */
export function settle<T>(
  signal: AbortSignal,
  aborted: (reason: unknown) => Error,
  operation: (settling: Settling<T>) => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const cleanups: (() => void)[] = [];
    const finish = (outcome: () => T): void => {
      if (settled) return;
      settled = true;
      let result: { value: T } | { error: unknown };
      try {
        result = { value: outcome() };
      } catch (error) {
        result = { error };
      }
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      try {
        for (const release of cleanups) release();
      } finally {
        if ('value' in result) resolve(result.value);
        else reject(result.error);
      }
    };
    const onAbort = (): void =>
      finish(() => {
        throw aborted(signal.reason);
      });

    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      operation({
        resolve: (value) => finish(() => value),
        reject: (error) =>
          finish(() => {
            throw error;
          }),
        deadline: (ms, atDeadline) => {
          if (settled) return;
          clearTimeout(timer);
          timer = setTimeout(() => finish(atDeadline), ms);
        },
        cleanup: (release) => {
          if (settled) release();
          else cleanups.push(release);
        },
      });
    } catch (error) {
      finish(() => {
        throw error;
      });
    }
  });
}
