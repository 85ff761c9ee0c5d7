/**
 * When each machine's control loop wakes. Every machine keeps a fixed slot inside the tick,
 * derived from its id, so a thousand machines spread over the minute instead of waking in the
 * same millisecond, and a machine's checks stay evenly spaced across restarts.
 */

/** FNV-1a: tiny, deterministic, and well spread for short ids. */
function hash32(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

export function tickOffsetMs(machineId: string, tickMs: number): number {
  return hash32(machineId) % tickMs;
}

/**
 * Ticks in a run of a machine's workflow before it continues as new: `ticksPerRun`, except in a
 * machine's first run, which ends after 1 to `ticksPerRun` ticks, fixed per machine. A fleet
 * started together then continues as new spread evenly over the period, run after run. Measured
 * (BENCHMARKS.md): 5,000 machines whose runs all ended within the last quarter of the period
 * continued as new in a wave that cut the checks served by up to 45% for three minutes, and such a
 * wave comes back whenever the run lengths meet again.
 */
export function ticksInRun(machineId: string, ticksPerRun: number, firstRun: boolean): number {
  return firstRun ? 1 + (hash32(`${machineId}/run`) % ticksPerRun) : ticksPerRun;
}

/**
 * The run length of workflows recorded before `ticksInRun`: every run `ticksPerRun` less up to a
 * quarter of it. Only replays of those runs use it; it goes when no such run is left.
 */
export function quarterSpreadTicksInRun(machineId: string, ticksPerRun: number): number {
  const spread = Math.floor(ticksPerRun / 4);
  return ticksPerRun - (hash32(`${machineId}/run`) % (spread + 1));
}

/** The first slot strictly after `nowMs`: slots sit at `offsetMs + k * tickMs` on the epoch clock. */
export function nextTickAt(nowMs: number, tickMs: number, offsetMs: number): number {
  const sinceFirst = nowMs - offsetMs;
  return offsetMs + (Math.floor(sinceFirst / tickMs) + 1) * tickMs;
}

/** Slots strictly between the last one served (or already counted) and the next one: skipped. */
export function skippedSlots(accountedSlotMs: number, nextSlotMs: number, tickMs: number): number {
  return Math.max(0, Math.round((nextSlotMs - accountedSlotMs) / tickMs) - 1);
}
