/** Temporal calls in flight at once for one bulk operation (sync, a group or the whole venue). */
export const PARALLEL_CALLS = 32;

/** Like Promise.all over `items`, with at most `limit` calls running; results keep the input order. */
export async function mapLimited<T, R>(items: readonly T[], limit: number, run: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await run(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}
