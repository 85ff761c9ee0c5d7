export type SettledPower = 'on' | 'off';
export type SimulatedPower = SettledPower | 'warming' | 'cooling';

export interface TransitionTimes {
  /** How long `warming` lasts before `on`; 0 switches straight on. */
  warmingMs: number;
  /** How long `cooling` lasts before `off`; 0 switches straight off. */
  coolingMs: number;
}

/**
 * A device's power state and its timed transitions. The device decides which commands are
 * allowed in which state; this only keeps the clock.
 */
export class PowerCycle {
  #state: SimulatedPower;
  #enteredAt = Date.now();
  #transition: NodeJS.Timeout | undefined;

  constructor(
    initial: SettledPower,
    private readonly times: TransitionTimes,
    private readonly onChange: (state: SimulatedPower) => void = () => {},
  ) {
    this.#state = initial;
  }

  get state(): SimulatedPower {
    return this.#state;
  }

  get isTransitioning(): boolean {
    return this.#state === 'warming' || this.#state === 'cooling';
  }

  get msInState(): number {
    return Date.now() - this.#enteredAt;
  }

  /** Test setup: the target state at once, abandoning any transition. */
  jumpTo(target: SettledPower): void {
    this.#clearTransition();
    this.#enter(target);
  }

  /** Starts the transition towards target; a no-op when already there or on the way. */
  switchTo(target: SettledPower): void {
    const [via, durationMs] = target === 'on' ? (['warming', this.times.warmingMs] as const) : (['cooling', this.times.coolingMs] as const);
    if (this.#state === target || this.#state === via) return;
    this.#clearTransition();
    if (durationMs === 0) return this.#enter(target);
    this.#enter(via);
    this.#transition = setTimeout(() => {
      this.#transition = undefined;
      this.#enter(target);
    }, durationMs);
    // The simulator's owner decides the process lifetime; a pending warm-up must not extend it.
    this.#transition.unref();
  }

  stop(): void {
    this.#clearTransition();
  }

  #enter(state: SimulatedPower): void {
    if (state === this.#state) return;
    this.#state = state;
    this.#enteredAt = Date.now();
    this.onChange(state);
  }

  #clearTransition(): void {
    clearTimeout(this.#transition);
    this.#transition = undefined;
  }
}
