/**
 * What each worker says it did, from its Prometheus endpoint (the SDK's temporal_* series):
 * the only way to attribute checks to a worker when several share a task queue, since the
 * devices cannot tell the workers apart.
 */
import { scrapeMetrics, sumOf } from '../lib/prometheus';

export interface WorkerCounters {
  activityTasks: number;
  workflowTasks: number;
  stickyCacheHits: number;
  stickyCacheMisses: number;
  stickyCacheForcedEvictions: number;
  /** A gauge: workflows cached at the end of the window. */
  stickyCacheSize: number;
}

const SERIES: Record<keyof WorkerCounters, string> = {
  activityTasks: 'temporal_activity_execution_latency_count',
  workflowTasks: 'temporal_workflow_task_execution_latency_count',
  stickyCacheHits: 'temporal_sticky_cache_hit',
  stickyCacheMisses: 'temporal_sticky_cache_miss',
  stickyCacheForcedEvictions: 'temporal_sticky_cache_total_forced_eviction',
  stickyCacheSize: 'temporal_sticky_cache_size',
};

export async function scrapeWorkerCounters(metricsUrl: string): Promise<WorkerCounters> {
  const samples = await scrapeMetrics(metricsUrl, 10_000);
  const counters = {} as WorkerCounters;
  // A series appears once its first event happened: absent means zero.
  for (const [field, name] of Object.entries(SERIES) as [keyof WorkerCounters, string][]) counters[field] = sumOf(samples, name) ?? 0;
  return counters;
}

/** Counters grow over the window; the gauge is taken as it is at the end. */
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
