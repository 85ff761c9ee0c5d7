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
  /**
   * Workflows the worker keeps in memory between ticks. Unset: every machine of the venue plus
   * 10%, because a machine that does not fit is replayed from its history at every tick.
   */
  WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(1).optional(),
  SHOWCTL_SECRETS_FILE: z.string().min(1).optional(),
  /** The worker's log level; INFO adds worker lifecycle and workflow bundling. */
  LOG_LEVEL: z.enum(['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR']).default('WARN'),
  /** Operator API (api/). Loopback unless told otherwise: open it to the network only with a token. */
  API_HOST: z.string().min(1).default('127.0.0.1'),
  API_PORT: port.default(3000),
  /** Bearer token for changes (and reads unless API_OPEN_READS); long enough not to be guessed. */
  API_TOKEN: z.string().min(16, 'expected at least 16 characters').optional(),
  API_OPEN_READS: z.stringbool().default(false),
  /** Lets the API run without API_TOKEN, everything open: for the demo on one machine only. */
  API_LOCAL_DEMO: z.stringbool().default(false),
  /** Temporal Web UI base, e.g. http://127.0.0.1:8233, for links from GET /machines/:id. */
  TEMPORAL_UI_URL: z.url().optional(),
  /** Where the worker posts the readiness reports (alerts grouped into one notification each); unset keeps them in the API only. */
  ALERTMANAGER_URL: z.url().optional(),
});

export type Environment = z.infer<typeof environmentSchema>;

/** Settings whose value a message must never repeat. */
const CREDENTIAL_SETTING = /TOKEN|SECRET|PASSWORD|KEY/;

export function loadEnvironment(env: NodeJS.ProcessEnv = process.env): Environment {
  const parsed = environmentSchema.safeParse(env);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const name = issue.path.join('.');
    const value = env[name];
    const given = value === undefined ? ' is not set' : CREDENTIAL_SETTING.test(name) ? '' : ` is ${JSON.stringify(value)}`;
    return `environment variable ${name}${given}: ${issue.message}`;
  });
  throw new Error(problems.join('\n'));
}
