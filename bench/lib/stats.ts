/** Small statistics for benchmark reports. Empty inputs give undefined, never NaN. */

/** Nearest-rank percentile, p in [0, 100]. */
export function percentile(values: readonly number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

export function median(values: readonly number[]): number | undefined {
  return percentile(values, 50);
}

export function maxOf(values: readonly number[]): number | undefined {
  return values.length === 0 ? undefined : values.reduce((max, value) => (value > max ? value : max));
}

export interface Distribution {
  count: number;
  p50Ms?: number;
  p99Ms?: number;
  maxMs?: number;
}

export function distributionOf(valuesMs: readonly number[]): Distribution {
  return { count: valuesMs.length, p50Ms: percentile(valuesMs, 50), p99Ms: percentile(valuesMs, 99), maxMs: maxOf(valuesMs) };
}

export function countBy<T>(items: Iterable<T>, key: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) {
    const name = key(item);
    counts[name] = (counts[name] ?? 0) + 1;
  }
  return counts;
}
