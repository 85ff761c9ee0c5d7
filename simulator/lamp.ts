/**
 * A lamp's cumulative hours: they grow only while it is lit, by one every `msPerHour` of lit
 * wall-clock time, so a test can watch them grow without waiting real hours.
 */
export class LampClock {
  #litMsBefore = 0;
  #litSince: number | undefined;

  constructor(
    private readonly initialHours: number,
    private readonly msPerHour: number,
    lit: boolean,
  ) {
    this.setLit(lit);
  }

  get lit(): boolean {
    return this.#litSince !== undefined;
  }

  get hours(): number {
    const litMs = this.#litMsBefore + (this.#litSince === undefined ? 0 : Date.now() - this.#litSince);
    return this.initialHours + Math.floor(litMs / this.msPerHour);
  }

  setLit(lit: boolean): void {
    if (lit === this.lit) return;
    if (this.#litSince === undefined) {
      this.#litSince = Date.now();
    } else {
      this.#litMsBefore += Date.now() - this.#litSince;
      this.#litSince = undefined;
    }
  }
}
