/**
 * What each worker says it did, from its Prometheus endpoint (the SDK's temporal_* series):
 * the only way to attribute checks to a worker when several share a task queue, since the
 * devices cannot tell the workers apart.
 */
export interface WorkerCounters {
  activityTasks: number;
  workflowTasks: number;
  stickyCacheHits: number;
  stickyCacheMisses: number;
  stickyCacheForcedEvictions: number;
  /** A gauge: workflows cached right now. */
  stickyCacheSize: number;
}

const SERIES: Record<keyof WorkerCounters, RegExp> = {
  activityTasks: /^temporal_activity_execution_latency(?:_seconds|_milliseconds)?_count$/,
  workflowTasks: /^temporal_workflow_task_execution_latency(?:_seconds|_milliseconds)?_count$/,
  stickyCacheHits: /^temporal_sticky_cache_hit(?:_total)?$/,
  stickyCacheMisses: /^temporal_sticky_cache_miss(?:_total)?$/,
  stickyCacheForcedEvictions: /^temporal_sticky_cache_total_forced_eviction(?:_total)?$/,
  stickyCacheSize: /^temporal_sticky_cache_size$/,
};

export async function scrapeWorkerCounters(metricsUrl: string): Promise<WorkerCounters> {
  const response = await fetch(metricsUrl, { signal: AbortSignal.timeout(10_000) });
  if (!response.ok) throw new Error(`${metricsUrl}: HTTP ${response.status}`);
  const totals = sumSeries(await response.text());
  const counters = {} as WorkerCounters;
  for (const [field, pattern] of Object.entries(SERIES) as [keyof WorkerCounters, RegExp][]) {
    counters[field] = [...totals].filter(([name]) => pattern.test(name)).reduce((sum, [, value]) => sum + value, 0);
  }
  return counters;
}

/** Counters grow; the gauge is taken as it is at the end. */
export function countersBetween(start: WorkerCounters, end: WorkerCounters): WorkerCounters {
  return {
    activityTasks: end.activityTasks - start.activityTasks,
    workflowTasks: end.workflowTasks - start.workflowTasks,
    stickyCacheHits: end.stickyCacheHits - start.stickyCacheHits,
    stickyCacheMisses: end.stickyCacheMisses - start.stickyCacheMisses,
    stickyCacheForcedEvictions: end.stickyCacheForcedEvictions - start.stickyCacheForcedEvictions,
    stickyCacheSize: end.stickyCacheSize,
  };
}

/** Each metric name summed over its label sets. */
function sumSeries(exposition: string): Map<string, number> {
  const totals = new Map<string, number>();
  for (const line of exposition.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{[^}]*\})?\s+(\S+)/.exec(line);
    if (!match) continue;
    const value = Number(match[2]);
    if (Number.isFinite(value)) totals.set(match[1] as string, (totals.get(match[1] as string) ?? 0) + value);
  }
  return totals;
}
