/**
 * Lateness as the devices see it. Machine m's slots sit at `tickOffsetMs(m, tick) + k * tick`
 * (domain/tick.ts); the check that serves a slot is the first request arriving from a little
 * before the slot until a little before the next one. Lateness is that arrival minus the slot.
 * A slot without such a request is a missed tick: the loop skipped it or was later than a tick.
 */
import { tickOffsetMs } from '../../domain/tick';

export interface Arrival {
  machineId: string;
  atMs: number;
}

export interface LatenessFigures {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export interface SlotOutcome {
  lateness: LatenessFigures;
  /** Slots inside the window that a request served. */
  servedSlots: number;
  /** Slots inside the window: every machine has one per tick. */
  expectedSlots: number;
  missedTicks: number;
  /** Slots served in each tick of the window, in order: a dip shows when the loop fell behind. */
  servedPerTick: number[];
  /** Requests beyond the first of a slot: retries, or checks not on a slot (start, signals). */
  extraRequests: number;
}

export interface SlotWindow {
  machineIds: string[];
  tickMs: number;
  /** Slots at or after this instant count... */
  fromMs: number;
  /** ...up to, not including, this one. */
  untilMs: number;
}

/**
 * How early a request may arrive and still serve the coming slot: timers on another process may
 * fire a hair early against this clock. Small against the tick so it never steals the next slot.
 */
function earlyToleranceMs(tickMs: number): number {
  return Math.min(250, Math.floor(tickMs / 10));
}

export function assessSlots(window: SlotWindow, arrivals: Arrival[]): SlotOutcome {
  const { tickMs, fromMs, untilMs } = window;
  const tolerance = earlyToleranceMs(tickMs);
  const arrivalsByMachine = groupByMachine(arrivals);
  const latenesses: number[] = [];
  const servedPerTick = new Array<number>(Math.max(0, Math.ceil((untilMs - fromMs) / tickMs))).fill(0);
  let expectedSlots = 0;
  let extraRequests = 0;

  for (const machineId of window.machineIds) {
    const offsetMs = tickOffsetMs(machineId, tickMs);
    const firstSlot = offsetMs + Math.ceil((fromMs - offsetMs) / tickMs) * tickMs;
    const firstArrivalBySlot = new Map<number, number>();
    for (const atMs of arrivalsByMachine.get(machineId) ?? []) {
      const slot = offsetMs + Math.floor((atMs + tolerance - offsetMs) / tickMs) * tickMs;
      if (slot < firstSlot || slot >= untilMs) continue;
      const earlier = firstArrivalBySlot.get(slot);
      if (earlier === undefined) firstArrivalBySlot.set(slot, atMs);
      else {
        extraRequests++;
        if (atMs < earlier) firstArrivalBySlot.set(slot, atMs);
      }
    }
    for (let slot = firstSlot; slot < untilMs; slot += tickMs) expectedSlots++;
    for (const [slot, atMs] of firstArrivalBySlot) {
      latenesses.push(atMs - slot);
      const tick = Math.floor((slot - fromMs) / tickMs);
      servedPerTick[tick] = (servedPerTick[tick] ?? 0) + 1;
    }
  }

  return {
    lateness: latenessFigures(latenesses),
    servedSlots: latenesses.length,
    expectedSlots,
    missedTicks: expectedSlots - latenesses.length,
    servedPerTick,
    extraRequests,
  };
}

function groupByMachine(arrivals: Arrival[]): Map<string, number[]> {
  const byMachine = new Map<string, number[]>();
  for (const { machineId, atMs } of arrivals) {
    const list = byMachine.get(machineId);
    if (list) list.push(atMs);
    else byMachine.set(machineId, [atMs]);
  }
  return byMachine;
}

/** Nearest-rank percentiles; an early arrival (inside the tolerance) counts as on time. */
export function latenessFigures(latenessesMs: number[]): LatenessFigures {
  if (latenessesMs.length === 0) return { p50Ms: Number.NaN, p99Ms: Number.NaN, maxMs: Number.NaN };
  const sorted = latenessesMs.map((ms) => Math.max(0, ms)).sort((a, b) => a - b);
  const rank = (fraction: number) => sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)] as number;
  return { p50Ms: rank(0.5), p99Ms: rank(0.99), maxMs: sorted[sorted.length - 1] as number };
}
