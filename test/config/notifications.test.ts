import { describe, expect, it } from 'vitest';
import { parseVenueConfig } from '../../config/load';
import { rejectionOf } from './rejection';

/** A venue of two zones; `notifications` is the section's body, indented by two spaces. */
function venue(notifications: string[]): string {
  return [
    'venue: { name: Test Museum, timezone: Europe/London }',
    'schedules: { museum: { daily: ["10:00-18:00"] } }',
    'groups: { gallery-east: { schedule: museum }, gallery-west: { schedule: museum } }',
    'machines:',
    '  - { id: proj-01, group: gallery-east, address: 127.0.0.1, driver: { type: pjlink } }',
    '  - { id: proj-02, group: gallery-west, address: 127.0.0.1, driver: { type: pjlink } }',
    'notifications:',
    ...notifications.map((line) => `  ${line}`),
  ].join('\n');
}

const RECEIVERS = [
  'receivers:',
  '  technicians:',
  '    email: { to: [av@museum.example], from: show-control@museum.example, smarthost: "smtp.museum.example:587", username: show-control, password: { secret: SMTP_PASSWORD } }',
  '    quietHours: ["22:00-07:00"]',
  '  ops: { webhook: { url: "https://ops.example/hooks/show-control" } }',
  '  chat: { chat: { url: { secret: CHAT_WEBHOOK } } }',
];

describe('the notifications section of the venue file', () => {
  it('when it names receivers, routes by zone and severity, a default and timing, then they are read with their defaults', () => {
    const config = parseVenueConfig(venue([...RECEIVERS, 'routes:', '  - { receivers: [technicians, chat], groups: [gallery-west], severities: [critical, warning] }', 'default: [ops]', 'timing: { groupWait: 10s }']), 'venue.yaml');
    expect(config.notifications).toEqual({
      receivers: {
        technicians: {
          email: { to: ['av@museum.example'], from: 'show-control@museum.example', smarthost: 'smtp.museum.example:587', username: 'show-control', password: { secret: 'SMTP_PASSWORD' }, requireTls: true },
          quietHours: ['22:00-07:00'],
        },
        ops: { webhook: { url: 'https://ops.example/hooks/show-control' }, quietHours: [] },
        chat: { chat: { url: { secret: 'CHAT_WEBHOOK' } }, quietHours: [] },
      },
      routes: [{ receivers: ['technicians', 'chat'], groups: ['gallery-west'], severities: ['critical', 'warning'] }],
      defaultReceivers: ['ops'],
      timing: { groupWaitMs: 10_000, groupIntervalMs: 300_000, repeatIntervalMs: 14_400_000 },
    });
  });

  it('when the section is left out, then the venue has no notifications', () => {
    const text = venue([]).replace(/\nnotifications:$/, '');
    expect(parseVenueConfig(text, 'venue.yaml').notifications).toBeUndefined();
  });

  it('when a route or the default names a receiver that is not declared, then the message names the path and the declared receivers', () => {
    expect(rejectionOf(venue([...RECEIVERS, 'routes:', '  - { receivers: [technicians, pager] }', 'default: [opps]']))).toMatchInlineSnapshot(`
      "config/venue.yaml:15:34: notifications.routes[0].receivers[1]: unknown receiver "pager"; declared receivers: technicians, ops, chat
      config/venue.yaml:16:13: notifications.default[0]: unknown receiver "opps"; declared receivers: technicians, ops, chat"
    `);
  });

  it('when a route names a group the venue does not have, then the message names the path and the declared groups', () => {
    expect(rejectionOf(venue([...RECEIVERS, 'routes:', '  - { receivers: [ops], groups: [gallery-north] }', 'default: [ops]']))).toMatchInlineSnapshot(
      `"config/venue.yaml:15:36: notifications.routes[0].groups[0]: unknown group "gallery-north"; declared groups: gallery-east, gallery-west"`,
    );
  });

  it('when a password is written in the file, then it is refused without being repeated, and the message says to use a secret reference', () => {
    const literal = RECEIVERS.map((line) => line.replace('password: { secret: SMTP_PASSWORD }', 'password: "hunter2-smtp"'));
    const message = rejectionOf(venue([...literal, 'default: [ops]']));
    expect(message).toMatchInlineSnapshot(
      `"config/venue.yaml:10:138: notifications.receivers.technicians.email.password: expected { secret: NAME } with a name of letters, digits, ".", "_" or "-"; credentials never go in this file"`,
    );
    expect(message).not.toContain('hunter2');
  });

  it('when a receiver has nothing to send with, a webhook a bad URL, or quiet hours a bad window, then each is reported at its path', () => {
    expect(rejectionOf(venue(['receivers:', '  pager: { quietHours: ["22:00-25:00"] }', '  ops: { webhook: { url: "ftp://ops.example/x" } }', 'default: [ops]']))).toMatchInlineSnapshot(`
      "config/venue.yaml:9:5: notifications.receivers.pager: a receiver needs at least one of email, webhook or chat
      config/venue.yaml:9:27: notifications.receivers.pager.quietHours[0]: expected a time window "HH:MM-HH:MM" on a 24-hour clock (24:00 allowed as an end), got "22:00-25:00"
      config/venue.yaml:10:23: notifications.receivers.ops.webhook.url: expected an http:// or https:// URL, or { secret: NAME } when the URL carries a token"
    `);
  });
});
