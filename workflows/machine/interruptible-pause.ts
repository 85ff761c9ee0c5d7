import { CancellationScope, isCancellation, sleep } from '@temporalio/workflow';

/**
 * The pause between ticks, which a message may cut short. The ticks run inside a cancellation
 * scope, and an interruption cancels it while the loop is pausing (never during a device call);
 * a cancelled scope stays cancelled, so the ticks go on in a fresh one. An ordinary tick thus
 * creates no scope at all. Measured (BENCHMARKS.md): a scope per pause was ~8% of the workflow
 * thread's CPU, because the SDK captures a stack trace for every promise a workflow creates, and
 * `condition(fn, timeout)` is dearer still (it cancels its timer, creating a CancelledFailure, on
 * every tick that was not interrupted).
 */
export class InterruptiblePause {
  #scope: CancellationScope | undefined;
  #pausing = false;
  #interrupted = false;

  /** Runs `ticks`, again from the top after every interruption, until it returns. */
  async runInterruptibly<T>(ticks: () => Promise<T>): Promise<T> {
    for (;;) {
      const scope = new CancellationScope();
      this.#scope = scope;
      try {
        return await scope.run(ticks);
      } catch (error) {
        // The workflow's own cancellation reaches this scope too: that one must end the workflow.
        if (!(isCancellation(error) && this.#interrupted && !CancellationScope.current().consideredCancelled)) throw error;
      } finally {
        this.#scope = undefined;
        this.#interrupted = false;
      }
    }
  }

  /** Call inside runInterruptibly. */
  async sleep(ms: number): Promise<void> {
    this.#pausing = true;
    try {
      await sleep(ms);
    } finally {
      this.#pausing = false;
    }
  }

  /** Ends the current pause, if one is running (the loop checks its flags before pausing). */
  interrupt(): void {
    if (!this.#pausing || !this.#scope) return;
    this.#interrupted = true;
    this.#scope.cancel();
  }
}
