import { z } from 'zod';

/**
 * Process settings from environment variables, parsed once at start. Temporal's own
 * connection variables (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS_*)
 * are read by @temporalio/envconfig, the SDK's standard loader.
 */
const port = z.coerce.number().int().min(0).max(65535);

const environmentSchema = z.object({
  VENUE_CONFIG: z.string().min(1).default('config/demo-venue.yaml'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('show-control'),
  /** Prometheus metrics of the worker on 127.0.0.1; 0 turns them off. */
  METRICS_PORT: port.default(9464),
  /** Device calls in flight at once per worker; each holds at most one socket. */
  WORKER_MAX_ACTIVITIES: z.coerce.number().int().min(1).max(10000).default(200),
  SHOWCTL_SECRETS_FILE: z.string().min(1).optional(),
});

export type Environment = z.infer<typeof environmentSchema>;

export function loadEnvironment(env: NodeJS.ProcessEnv = process.env): Environment {
  const parsed = environmentSchema.safeParse(env);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `environment variable ${issue.path.join('.')}: ${issue.message}`);
  throw new Error(problems.join('\n'));
}
