/**
 * The venue file's optional `notifications:` section: who hears which alert (config/example-venue.yaml).
 * Receivers are e-mail, a generic webhook and a Slack-compatible chat webhook; routes pick receivers
 * by zone (machine group) and severity, first match wins; `default` hears the rest and the
 * venue-wide alerts. alerting/render-config.ts turns it into Alertmanager's configuration.
 * Credentials are `{ secret: NAME }` references only, resolved when that configuration is written.
 */
import { z } from 'zod';
import type { SecretRef } from '../activities/drivers/shared/spec';
import { durationField, hostField, idField, nonEmptyTextField, portField, secretRefField, strictObject, timeWindowField } from './fields';
import { OMIT_INPUT } from './issues';

/** The severities our alert rules and the readiness reports carry, most urgent first. */
export const ALERT_SEVERITIES = ['critical', 'warning', 'info'] as const;
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];

export const DEFAULT_TIMING = { groupWaitMs: 30_000, groupIntervalMs: 300_000, repeatIntervalMs: 4 * 3_600_000 } as const;

const EMAIL_ADDRESS = /^[^\s@<>,"]+@[^\s@<>,"]+$/;
const emailAddressField = z.string({ error: 'expected an e-mail address' }).regex(EMAIL_ADDRESS, { error: 'expected an e-mail address like av@museum.example' });

const SMART_HOST = 'expected "host:port" of the mail server, e.g. "smtp.museum.example:587"';
const smarthostField = z.string({ error: SMART_HOST }).refine(
  (text) => {
    const match = /^(.+):(\d+)$/.exec(text);
    return match !== null && hostField.safeParse(match[1]).success && portField.safeParse(Number(match[2])).success;
  },
  { error: SMART_HOST },
);

/** A webhook URL may carry a token, so it may be a secret reference instead of text. */
export type UrlOrSecret = string | SecretRef;
const URL_EXPECTED = 'expected an http:// or https:// URL, or { secret: NAME } when the URL carries a token';
const urlOrSecretField = z.unknown().transform((value, context): UrlOrSecret => {
  if (typeof value === 'string') {
    if (isHttpUrl(value)) return value;
    context.issues.push({ code: 'custom', message: URL_EXPECTED, input: value, params: OMIT_INPUT });
    return z.NEVER;
  }
  const ref = secretRefField.safeParse(value);
  if (ref.success) return ref.data;
  context.issues.push({ code: 'custom', message: URL_EXPECTED, input: value, params: OMIT_INPUT });
  return z.NEVER;
});

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

const email = strictObject({
  to: z.array(emailAddressField, { error: 'expected a list of e-mail addresses' }).min(1, { error: 'expected at least one address' }),
  from: emailAddressField,
  smarthost: smarthostField,
  username: nonEmptyTextField.optional(),
  /** Never text: a literal password is refused by secretRefField with a message that says so. */
  password: secretRefField.optional(),
  /** STARTTLS before anything is sent (Alertmanager's require_tls); off only for a relay on the same host. */
  requireTls: z.boolean({ error: 'expected true or false' }).default(true),
}).superRefine((entry, context) => {
  if ((entry.username === undefined) !== (entry.password === undefined)) {
    context.addIssue({ code: 'custom', params: OMIT_INPUT, message: 'give username and password together, or neither for a relay without login' });
  }
});

const receiver = strictObject({
  email: email.optional(),
  /** Alertmanager's standard JSON, POSTed. */
  webhook: strictObject({ url: urlOrSecretField }).optional(),
  /** A Slack-compatible incoming webhook (Slack, Mattermost, Rocket.Chat). */
  chat: strictObject({ url: urlOrSecretField }).optional(),
  /** Daily windows in the venue's timezone during which this receiver is sent nothing. */
  quietHours: z.array(timeWindowField, { error: 'expected a list of time windows like ["22:00-07:00"]' }).default([]),
}).superRefine((entry, context) => {
  if (entry.email === undefined && entry.webhook === undefined && entry.chat === undefined) {
    context.addIssue({ code: 'custom', params: OMIT_INPUT, message: 'a receiver needs at least one of email, webhook or chat' });
  }
});

const names = (what: string) => z.array(idField, { error: `expected a list of ${what}` }).min(1, { error: `expected at least one of the ${what}` });

const route = strictObject({
  receivers: names('receiver names'),
  /** Zones (machine groups); omitted: every group. */
  groups: names('group names').optional(),
  severities: z.array(z.enum(ALERT_SEVERITIES), { error: `expected a list of severities: ${ALERT_SEVERITIES.join(', ')}` }).min(1).optional(),
});

export const notificationsSchema = strictObject({
  receivers: z.record(idField, receiver),
  /** Checked in order; the first route whose groups and severities match an alert of a machine takes it. */
  routes: z.array(route).default([]),
  default: names('receiver names'),
  timing: strictObject({
    /** How long a new group of alerts waits for more of its kind before the first notification. */
    groupWait: durationField().default(DEFAULT_TIMING.groupWaitMs),
    /** How long a group waits before it notifies of alerts added to it or resolved. */
    groupInterval: durationField({ minMs: 1_000 }).default(DEFAULT_TIMING.groupIntervalMs),
    /** How often a group whose alerts have not changed is notified again. */
    repeatInterval: durationField({ minMs: 1_000 }).default(DEFAULT_TIMING.repeatIntervalMs),
  }).prefault({}),
});

export type NotificationsFile = z.output<typeof notificationsSchema>;
export type ReceiverConfig = NotificationsFile['receivers'][string];
export type EmailReceiverConfig = NonNullable<ReceiverConfig['email']>;

export interface NotificationsConfig {
  receivers: Record<string, ReceiverConfig>;
  routes: { receivers: string[]; groups?: string[]; severities?: AlertSeverity[] }[];
  defaultReceivers: string[];
  timing: { groupWaitMs: number; groupIntervalMs: number; repeatIntervalMs: number };
}

type AddIssue = (path: (string | number)[], message: string) => void;

/** Every receiver a route or `default` names is declared; every group a route names is one of the venue's. */
export function checkNotifications(notifications: NotificationsFile, groupNames: readonly string[], addIssue: AddIssue): void {
  const receiverNames = Object.keys(notifications.receivers);
  const checkReceivers = (named: string[], path: (string | number)[]) =>
    named.forEach((name, index) => {
      if (!notifications.receivers[name]) addIssue([...path, index], `unknown receiver "${name}"; ${declared('receivers', receiverNames)}`);
    });
  notifications.routes.forEach((entry, index) => {
    checkReceivers(entry.receivers, ['notifications', 'routes', index, 'receivers']);
    entry.groups?.forEach((group, groupIndex) => {
      if (!groupNames.includes(group)) addIssue(['notifications', 'routes', index, 'groups', groupIndex], `unknown group "${group}"; ${declared('groups', groupNames)}`);
    });
  });
  checkReceivers(notifications.default, ['notifications', 'default']);
}

function declared(what: string, names: readonly string[]): string {
  return names.length === 0 ? `no ${what} are declared` : `declared ${what}: ${names.join(', ')}`;
}

export function toNotificationsConfig(file: NotificationsFile): NotificationsConfig {
  return {
    receivers: file.receivers,
    routes: file.routes.map(({ receivers, groups, severities }) => ({ receivers, ...(groups && { groups }), ...(severities && { severities }) })),
    defaultReceivers: file.default,
    timing: { groupWaitMs: file.timing.groupWait, groupIntervalMs: file.timing.groupInterval, repeatIntervalMs: file.timing.repeatInterval },
  };
}
