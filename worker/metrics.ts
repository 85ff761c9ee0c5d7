import { DEVICE_METRICS } from '../activities';
import { MACHINE_METRICS } from '../workflows/machine/contract';

/**
 * Bucket bounds of our histograms, in seconds. The SDK's default bounds are meant for its own
 * millisecond latencies and would put every one of these values in the lowest bucket.
 */
export const HISTOGRAM_BUCKETS_SECONDS: Record<string, number[]> = {
  // From a LAN round trip to the longest driver deadlines (tens of seconds).
  [DEVICE_METRICS.callDuration]: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  // From timer jitter to a tick that waited minutes for a worker.
  [MACHINE_METRICS.tickLateness]: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
};
