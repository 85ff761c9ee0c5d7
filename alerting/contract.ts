/**
 * What alerts look like on their way to Alertmanager, in one place: the label names the routes of
 * render-config.ts match on, the alert names with a meaning to the routing, and `postAlerts` for
 * alerts that do not come from Prometheus (the doors-open readiness reports).
 *
 * A readiness report is one alert `ReadinessReport` (severity info; annotations summary and
 * description) plus one `MachineNotReady` per machine that lags (severity warning, labels group and
 * machine_id, annotation reason), all with the same `report` label. Every alert with a `report`
 * label goes to the default receivers, grouped by `report`: one report is one notification listing
 * each machine with its reason, and nothing is sent when the report's alerts end.
 */

export const ALERT_LABELS = {
  alertname: 'alertname',
  severity: 'severity',
  /** The zone: the machine's group in the venue file. */
  group: 'group',
  machineId: 'machine_id',
  venue: 'venue',
  /** `<kind> <iso time>`, e.g. `doors-open 2026-06-01T09:00:00+01:00`: which report an alert belongs to. */
  report: 'report',
} as const;

export const ALERT_NAMES = {
  readinessReport: 'ReadinessReport',
  machineNotReady: 'MachineNotReady',
  /** Inhibition source: while it fires, the machine's other alerts are held back (observability/alerts.yml). */
  machineInMaintenance: 'MachineInMaintenance',
  /** Inhibition source for a machine blocked by a failing machine it needs (observability/alerts.yml). */
  machineBlocked: 'MachineBlocked',
  /** Alertmanager's own failures to notify; sent to every receiver. */
  notificationsFailing: 'NotificationsFailing',
} as const;

export const ALERT_ANNOTATIONS = {
  summary: 'summary',
  description: 'description',
  /** Why a machine is not ready, e.g. "failing: probe DeviceTimeoutError", "in maintenance until 14:00". */
  reason: 'reason',
  /** What failed, e.g. "DeviceTimeoutError in the probe". */
  error: 'error',
  runbook: 'runbook',
} as const;

/** Alertmanager's `POST /api/v2/alerts` body entry (its PostableAlert). */
export interface PostableAlert {
  labels: Record<string, string>;
  annotations?: Record<string, string>;
  /** ISO 8601; Alertmanager takes now when absent. */
  startsAt?: string;
  /**
   * ISO 8601. Give reports one (an hour, say) so they end by themselves; without it Alertmanager
   * ends an alert after its resolve_timeout (5 minutes) unless it is posted again.
   */
  endsAt?: string;
  generatorURL?: string;
}

const DEFAULT_POST_TIMEOUT_MS = 10_000;

export class AlertPostError extends Error {
  override readonly name = 'AlertPostError';

  constructor(
    message: string,
    /** Alertmanager answered 4xx: the alerts themselves are wrong, so posting them again cannot help. */
    readonly refused = false,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/**
 * Posts alerts to Alertmanager (`alertmanagerUrl` like http://127.0.0.1:9093). Resolves once it
 * accepted them; throws AlertPostError when it refuses them or does not answer within the timeout.
 */
export async function postAlerts(
  alertmanagerUrl: string,
  alerts: readonly PostableAlert[],
  options: { signal?: AbortSignal; timeoutMs?: number } = {},
): Promise<void> {
  const timeout = AbortSignal.timeout(options.timeoutMs ?? DEFAULT_POST_TIMEOUT_MS);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  const url = `${alertmanagerUrl.replace(/\/+$/, '')}/api/v2/alerts`;
  let response: Response;
  try {
    response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(alerts), signal });
  } catch (error) {
    throw new AlertPostError(`cannot post ${alerts.length} alerts to ${url}: ${(error as Error).message}`, false, { cause: error });
  }
  if (!response.ok) {
    const body = (await response.text().catch(() => '')).slice(0, 500);
    throw new AlertPostError(`Alertmanager refused ${alerts.length} alerts at ${url}: ${response.status} ${body}`.trim(), response.status >= 400 && response.status < 500);
  }
}
