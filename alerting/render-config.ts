/**
 * The venue's `notifications:` section as Alertmanager's configuration. Pure but for the secret
 * resolver it is given: the result holds resolved credentials, so whoever writes it keeps it
 * private (write-config.ts: mode 0600, under the git-ignored data/).
 *
 * The route tree, in order (the first child that matches takes an alert, unless `continue`):
 *   1. inhibition sources (MachineInMaintenance, MachineBlocked): a receiver that sends nothing;
 *   2. NotificationsFailing: every receiver, since the broken one may be the only one that is;
 *   3. readiness reports (any `report` label): the default receivers, grouped by report, never resolved;
 *   4. machine alerts (a `machine_id` label): the venue's routes, first match wins, else the default,
 *      grouped by alertname and zone, so three projectors of one zone failing together are one message;
 *   5. everything else (worker down, ticks late...): the default receivers.
 * A venue route or a default with several receivers fans out through children with `continue`.
 */
import type { SecretRef, SecretResolver } from '../activities/drivers/shared/spec';
import type { NotificationsConfig, ReceiverConfig, UrlOrSecret } from '../config/notifications';
import { parseTimeWindow } from '../domain/schedule';
import { ALERT_LABELS, ALERT_NAMES } from './contract';

/** The committed templates (alerting/templates/) and the generated one with the Web UI address. */
export const TEMPLATE_FILE = 'notifications.tmpl';
export const LINKS_TEMPLATE_FILE = 'links.tmpl';

/** Receiver names of our own contain "/", which venue file names cannot, so they never collide. */
export const SILENT_RECEIVER = 'show-control/silent';
const reportVariant = (receiver: string) => `${receiver}/reports`;
const quietHoursInterval = (receiver: string) => `${receiver}/quiet-hours`;

export interface RenderOptions {
  notifications: NotificationsConfig;
  venue: { name: string; timezone: string };
  /** Temporal Web UI base, e.g. http://127.0.0.1:8233; without it notifications name the workflow id only. */
  webUiUrl?: string;
  namespace: string;
  resolveSecret: SecretResolver;
}

export interface RenderedAlertmanagerConfig {
  /** Alertmanager's configuration; its `templates` are file names relative to the configuration file. */
  config: AlertmanagerConfig;
  /** Files to write beside it, by name, besides the committed TEMPLATE_FILE. */
  generatedTemplates: Record<string, string>;
}

export interface AlertmanagerRoute {
  receiver?: string;
  matchers?: string[];
  group_by?: string[];
  group_wait?: string;
  group_interval?: string;
  repeat_interval?: string;
  continue?: boolean;
  mute_time_intervals?: string[];
  routes?: AlertmanagerRoute[];
}

export interface AlertmanagerConfig {
  global: { resolve_timeout: string };
  templates: string[];
  route: AlertmanagerRoute;
  inhibit_rules: { source_matchers: string[]; target_matchers: string[]; equal: string[] }[];
  receivers: ({ name: string } & Record<string, unknown>)[];
  time_intervals?: { name: string; time_intervals: { times: { start_time: string; end_time: string }[]; location: string }[] }[];
}

/** Thrown when a credential cannot be resolved; `path` names where the venue file refers to it. */
export class NotificationSecretError extends Error {
  override readonly name = 'NotificationSecretError';
  constructor(
    readonly path: string,
    cause: Error,
  ) {
    super(cause.message, { cause });
  }
}

export function renderAlertmanagerConfig(options: RenderOptions): RenderedAlertmanagerConfig {
  const { notifications } = options;
  const receiverNames = Object.keys(notifications.receivers);
  const withQuietHours = new Set(receiverNames.filter((name) => (notifications.receivers[name]?.quietHours ?? []).length > 0));
  const deliverTo = (names: readonly string[], variant: (name: string) => string = (name) => name): AlertmanagerRoute[] =>
    [...new Set(names)].map((name) => ({
      receiver: variant(name),
      continue: true,
      ...(withQuietHours.has(name) && { mute_time_intervals: [quietHoursInterval(name)] }),
    }));
  const fanOut = (names: readonly string[], extra: AlertmanagerRoute = {}): AlertmanagerRoute => ({ receiver: SILENT_RECEIVER, ...extra, routes: deliverTo(names) });

  const machineRoutes = notifications.routes.map((entry) =>
    fanOut(entry.receivers, {
      matchers: [
        ...(entry.groups ? [`${ALERT_LABELS.group}=~${quote(anyOf(entry.groups))}`] : []),
        ...(entry.severities ? [`${ALERT_LABELS.severity}=~${quote(anyOf(entry.severities))}`] : []),
      ],
    }),
  );
  const reportReceivers = notifications.defaultReceivers;

  const config: AlertmanagerConfig = {
    global: { resolve_timeout: '5m' },
    templates: [TEMPLATE_FILE, LINKS_TEMPLATE_FILE],
    route: {
      // Never reached: the last child takes whatever the others left.
      receiver: SILENT_RECEIVER,
      group_by: [ALERT_LABELS.alertname],
      group_wait: duration(notifications.timing.groupWaitMs),
      group_interval: duration(notifications.timing.groupIntervalMs),
      repeat_interval: duration(notifications.timing.repeatIntervalMs),
      routes: [
        { receiver: SILENT_RECEIVER, matchers: [`${ALERT_LABELS.alertname}=~${quote(anyOf([ALERT_NAMES.machineInMaintenance, ALERT_NAMES.machineBlocked]))}`] },
        fanOut(receiverNames, { matchers: [`${ALERT_LABELS.alertname}=${quote(ALERT_NAMES.notificationsFailing)}`], group_by: [ALERT_LABELS.alertname, 'integration'] }),
        {
          receiver: SILENT_RECEIVER,
          matchers: [`${ALERT_LABELS.report}=~".+"`],
          group_by: [ALERT_LABELS.report],
          // A report is sent once; its alerts end by themselves (contract.ts) and send nothing then.
          repeat_interval: '24h',
          routes: deliverTo(reportReceivers, reportVariant),
        },
        {
          receiver: SILENT_RECEIVER,
          matchers: [`${ALERT_LABELS.machineId}=~".+"`],
          group_by: [ALERT_LABELS.alertname, ALERT_LABELS.group],
          routes: [...machineRoutes, fanOut(notifications.defaultReceivers)],
        },
        fanOut(notifications.defaultReceivers),
      ],
    },
    // MachineInMaintenance and MachineBlocked come from observability/alerts.yml.
    inhibit_rules: [ALERT_NAMES.machineInMaintenance, ALERT_NAMES.machineBlocked].map((source) => ({
      source_matchers: [`${ALERT_LABELS.alertname}=${quote(source)}`],
      // A readiness report says "in maintenance" or "blocked" itself: its alerts are never held back.
      target_matchers: [`${ALERT_LABELS.machineId}=~".+"`, `${ALERT_LABELS.alertname}!=${quote(source)}`, `${ALERT_LABELS.report}=""`],
      equal: [ALERT_LABELS.machineId],
    })),
    receivers: [
      { name: SILENT_RECEIVER },
      ...receiverNames.map((name) => receiver(name, notifications.receivers[name] as ReceiverConfig, true, options.resolveSecret)),
      ...[...new Set(reportReceivers)].map((name) => receiver(name, notifications.receivers[name] as ReceiverConfig, false, options.resolveSecret, reportVariant(name))),
    ],
  };
  const quietHours = [...withQuietHours].map((name) => ({
    name: quietHoursInterval(name),
    time_intervals: [{ times: (notifications.receivers[name]?.quietHours ?? []).flatMap(dailyRanges), location: options.venue.timezone }],
  }));
  if (quietHours.length > 0) config.time_intervals = quietHours;
  return { config, generatedTemplates: { [LINKS_TEMPLATE_FILE]: linksTemplate(options) } };
}

function receiver(name: string, entry: ReceiverConfig, sendResolved: boolean, resolveSecret: SecretResolver, as = name): { name: string } & Record<string, unknown> {
  const path = `notifications.receivers.${name}`;
  const resolve = (value: UrlOrSecret, at: string): string => (typeof value === 'string' ? value : resolved(value, `${path}.${at}`, resolveSecret));
  const { email, webhook, chat } = entry;
  return {
    name: as,
    ...(email && {
      email_configs: [
        {
          to: email.to.join(', '),
          from: email.from,
          smarthost: email.smarthost,
          ...(email.username !== undefined && { auth_username: email.username }),
          ...(email.password && { auth_password: resolved(email.password, `${path}.email.password`, resolveSecret) }),
          require_tls: email.requireTls,
          send_resolved: sendResolved,
          headers: { Subject: '{{ template "showctl.email.subject" . }}' },
          html: '{{ template "showctl.email.html" . }}',
          text: '{{ template "showctl.email.text" . }}',
        },
      ],
    }),
    ...(webhook && { webhook_configs: [{ url: resolve(webhook.url, 'webhook.url'), send_resolved: sendResolved }] }),
    ...(chat && {
      slack_configs: [
        {
          api_url: resolve(chat.url, 'chat.url'),
          send_resolved: sendResolved,
          title: '{{ template "showctl.chat.title" . }}',
          text: '{{ template "showctl.chat.text" . }}',
        },
      ],
    }),
  };
}

function resolved(ref: SecretRef, path: string, resolveSecret: SecretResolver): string {
  try {
    return resolveSecret(ref);
  } catch (error) {
    throw new NotificationSecretError(path, error as Error);
  }
}

/**
 * `showctl.workflowsUrl`: the Web UI's list of the namespace's workflows, to which the templates
 * add `/machine-<id>`; empty without a Web UI address, and the templates then name the workflow id.
 */
function linksTemplate(options: Pick<RenderOptions, 'webUiUrl' | 'namespace' | 'venue'>): string {
  const base = options.webUiUrl === undefined ? '' : `${new URL(options.webUiUrl).href.replace(/\/+$/, '')}/namespaces/${encodeURIComponent(options.namespace)}/workflows`;
  return [
    '{{/* Generated by alerting/render-config.ts from the venue file and TEMPORAL_UI_URL; do not edit. */}}',
    `{{ define "showctl.workflowsUrl" }}${base}{{ end }}`,
    `{{ define "showctl.venue" }}${templateText(options.venue.name)}{{ end }}`,
    '',
  ].join('\n');
}

/** Text inside a template definition: no action delimiters can start in it. */
function templateText(text: string): string {
  return text.replaceAll('{{', '{ {');
}

/** A window like "22:00-07:00" as Alertmanager's times of day, which cannot run past midnight. */
function dailyRanges(window: string): { start_time: string; end_time: string }[] {
  const { startMinute, endMinute } = parseTimeWindow(window);
  const clock = (minute: number) => `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
  if (endMinute > startMinute) return [{ start_time: clock(startMinute), end_time: clock(endMinute) }];
  return [{ start_time: clock(startMinute), end_time: '24:00' }, ...(endMinute === 0 ? [] : [{ start_time: '00:00', end_time: clock(endMinute) }])];
}

function anyOf(values: readonly string[]): string {
  return values.map((value) => value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
}

/** A matcher's value, double-quoted with Alertmanager's escapes. */
function quote(value: string): string {
  return JSON.stringify(value);
}

/** Milliseconds as Alertmanager's duration, in the largest unit that divides them. */
function duration(ms: number): string {
  for (const [unit, size] of [['h', 3_600_000], ['m', 60_000], ['s', 1_000]] as const) {
    if (ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}
