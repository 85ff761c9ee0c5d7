/**
 * The worker process: runs every machine workflow and device activity of the task queue.
 * Settings: see config/environment.ts and README (Temporal connection from the standard
 * TEMPORAL_* variables). Stops gracefully on SIGINT/SIGTERM.
 */
import { runWorkerProcess } from './start';

runWorkerProcess();
