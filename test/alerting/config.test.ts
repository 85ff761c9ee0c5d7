import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../config/errors';
import { loadVenueConfig, parseVenueConfig } from '../../config/load';
import { createSecretResolver } from '../../config/secrets';
import { alertmanagerConfigOf } from '../../alerting/venue-config';
import { writeAlertmanagerConfig } from '../../alerting/write-config';
import { amtool, receiversFor } from './alertmanager-server';

const ROOT = path.resolve(__dirname, '../..');
const WEB_UI = { webUiUrl: 'http://127.0.0.1:8233', namespace: 'default' };
/** Stand-ins for the example venue's credentials; the chat secret is a webhook URL. */
const EXAMPLE_SECRETS = { SHOWCTL_SECRET_SMTP_PASSWORD: 'example-smtp-password', SHOWCTL_SECRET_CHAT_WEBHOOK: 'https://chat.example/hooks/example' };

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'showctl-alertmanager-config-'));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function written(venueFile: string, env: Record<string, string> = {}): Promise<string> {
  const venue = loadVenueConfig(path.join(ROOT, venueFile), {});
  const file = path.join(dir, path.basename(venueFile, '.yaml'), 'alertmanager.yml');
  await writeAlertmanagerConfig(file, alertmanagerConfigOf(venue, { resolveSecret: createSecretResolver({ env }), ...WEB_UI }));
  return file;
}

describe('the Alertmanager configuration rendered from a venue file', () => {
  it.each([
    ['config/demo-venue.yaml', {}],
    ['config/example-venue.yaml', EXAMPLE_SECRETS],
  ])('when it is rendered from %s, then amtool check-config accepts it with its templates', async (venueFile, env) => {
    const result = await amtool('check-config', await written(venueFile, env));
    expect(result.exitCode, result.output).toBe(0);
    expect(result.output).toContain('2 templates');
    expect(result.output).toContain('2 inhibit rules');
  });

  it('when it is written, then only its owner may read it, since it holds the resolved credentials', async () => {
    const file = await written('config/example-venue.yaml', EXAMPLE_SECRETS);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readFile(file, 'utf8')).toContain('example-smtp-password');
  });

  it('when alerts are routed, then zone and severity pick the route, first match wins, and the rest go to the default', async () => {
    const file = await written('config/example-venue.yaml', EXAMPLE_SECRETS);
    const machine = (group: string, severity: string) => ({ alertname: 'MachineFailing', machine_id: 'proj-01', group, severity });
    expect(await receiversFor(file, machine('projectors', 'warning'))).toEqual(['technicians', 'chat']);
    // The audio route names no severities: every severity of its zone.
    expect(await receiversFor(file, machine('audio', 'info'))).toEqual(['chat']);
    // The projectors route takes critical and warning only; an audio machine is not in its zones.
    expect(await receiversFor(file, machine('projectors', 'info'))).toEqual(['ops']);
    expect(await receiversFor(file, machine('gallery-pcs', 'critical'))).toEqual(['ops']);
    expect(await receiversFor(file, { alertname: 'WorkerDown', severity: 'critical', instance: 'w1:9464' })).toEqual(['ops']);
  });

  it('when a readiness report, an inhibition source or NotificationsFailing arrives, then it goes to its own receivers', async () => {
    const file = await written('config/example-venue.yaml', EXAMPLE_SECRETS);
    const report = { report: 'doors-open 2026-06-01T09:00:00+01:00', venue: 'Harbour Museum' };
    expect(await receiversFor(file, { alertname: 'ReadinessReport', severity: 'info', ...report })).toEqual(['ops/reports']);
    // Not-ready machines of a zone with its own route still belong to the venue's one report.
    expect(await receiversFor(file, { alertname: 'MachineNotReady', severity: 'warning', group: 'projectors', machine_id: 'proj-01', ...report })).toEqual(['ops/reports']);
    expect(await receiversFor(file, { alertname: 'MachineInMaintenance', severity: 'none', machine_id: 'proj-01', group: 'projectors' })).toEqual(['show-control/silent']);
    expect(await receiversFor(file, { alertname: 'MachineBlocked', machine_id: 'proj-01' })).toEqual(['show-control/silent']);
    expect(await receiversFor(file, { alertname: 'NotificationsFailing', severity: 'warning', integration: 'email' })).toEqual(['technicians', 'ops', 'chat']);
  });

  it('when a receiver has quiet hours past midnight, then its routes are muted in two ranges of the venue timezone', async () => {
    const venue = loadVenueConfig(path.join(ROOT, 'config/example-venue.yaml'), {});
    const { config } = alertmanagerConfigOf(venue, { resolveSecret: createSecretResolver({ env: EXAMPLE_SECRETS }), ...WEB_UI });
    expect(config.time_intervals).toEqual([
      { name: 'technicians/quiet-hours', time_intervals: [{ times: [{ start_time: '22:00', end_time: '24:00' }, { start_time: '00:00', end_time: '07:00' }], location: 'Europe/London' }] },
    ]);
    const technicianRoutes = JSON.stringify(config.route).match(/"receiver":"technicians"[^}]*\}/g) ?? [];
    expect(technicianRoutes.length).toBe(2);
    for (const route of technicianRoutes) expect(route).toContain('"mute_time_intervals":["technicians/quiet-hours"]');
  });

  it('when a credential cannot be resolved, then the message names the venue file, the path and where it looked', () => {
    const venue = loadVenueConfig(path.join(ROOT, 'config/example-venue.yaml'), {});
    const render = () => alertmanagerConfigOf(venue, { resolveSecret: createSecretResolver({ env: { SHOWCTL_SECRET_CHAT_WEBHOOK: 'https://chat.example/x' } }), ...WEB_UI });
    expect(render).toThrow(ConfigError);
    expect(render).toThrow(/example-venue\.yaml: notifications\.receivers\.technicians\.email\.password: secret "SMTP_PASSWORD" is not set: looked for environment variable SHOWCTL_SECRET_SMTP_PASSWORD/);
  });

  it('when the venue file has no notifications section, then rendering says to add one', () => {
    const text = 'venue: { name: V, timezone: UTC }\nschedules: { s: { daily: [] } }\nmachines: [{ id: m, address: 127.0.0.1, schedule: s, driver: { type: pjlink } }]\n';
    expect(() => alertmanagerConfigOf(parseVenueConfig(text, 'venue.yaml'), { resolveSecret: createSecretResolver({ env: {} }), ...WEB_UI })).toThrow(
      'venue.yaml: notifications: missing: without it nobody is notified; add one (config/example-venue.yaml shows every key)',
    );
  });
});
