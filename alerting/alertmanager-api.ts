/** Alerts posted to Alertmanager's API (v2): the readiness reports go out through the same path as Prometheus's alerts. */

/** The shape of POST /api/v2/alerts. */
export interface PostableAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
}

export class AlertmanagerError extends Error {
  constructor(
    message: string,
    /** A 4xx: the alerts themselves are wrong, so sending them again cannot help. */
    readonly rejected: boolean,
  ) {
    super(message);
    this.name = 'AlertmanagerError';
  }
}

export async function postAlerts(alertmanagerUrl: string, alerts: PostableAlert[], options: { timeoutMs: number; signal?: AbortSignal }): Promise<void> {
  const url = new URL('api/v2/alerts', alertmanagerUrl.endsWith('/') ? alertmanagerUrl : `${alertmanagerUrl}/`);
  const startedAt = Date.now();
  const signal = AbortSignal.any([AbortSignal.timeout(options.timeoutMs), ...(options.signal ? [options.signal] : [])]);
  let response: Response;
  try {
    response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(alerts), signal });
  } catch (err) {
    const why = err instanceof Error && err.name === 'TimeoutError' ? `no answer within ${options.timeoutMs} ms` : String(err instanceof Error ? (err.cause ?? err.message) : err);
    throw new AlertmanagerError(`Alertmanager at ${url.origin}: ${why} (after ${Date.now() - startedAt} ms)`, false);
  }
  if (!response.ok) {
    const body = (await response.text().catch(() => '')).slice(0, 300);
    throw new AlertmanagerError(`Alertmanager at ${url.origin} answered ${response.status}: ${body}`, response.status >= 400 && response.status < 500);
  }
}
