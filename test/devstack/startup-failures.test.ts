/**
 * `npm start` when something it needs is wrong: it exits non-zero within seconds with one line
 * that names what failed, the value and the setting, prints no second error from its clean-up,
 * and leaves nothing listening on the ports it was given. Killed outright, it takes its dev server
 * and simulated devices with it.
 */
import { createSocket, type Socket } from 'node:dgram';
import { createServer, type Server } from 'node:net';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadSimulatorConfig } from '../../simulator/config';
import { waitFor } from '../support/wait-for';
import { temporalAddress } from '../support/temporal';
import { isListening, npmStartFailure, startNpmStart, type DemoPorts } from '../support/npm-start';

/** Starting the dev server and bundling the workflows comes first in some cases: seconds, more on a busy machine. */
const EXIT_WITHIN_MS = 90_000;
/** What the clean-up used to print in place of the cause, a failed stop, or a stack trace. */
/** SIGTERM to exit: about 1-1.5 s measured, more on a busy machine. */
const SERVER_STOP_WITHIN_MS = 10_000;
const SECONDARY_ERROR = /Cannot close connection|^while stopping|^\w*Error\b|^\s+at /;

const squatters: Server[] = [];
const datagramSquatters: Socket[] = [];
const occupied = new Set<number>();
afterAll(async () => {
  await Promise.all(squatters.map((server) => new Promise((resolve) => server.close(resolve))));
  await Promise.all(datagramSquatters.map((socket) => new Promise<void>((resolve) => socket.close(() => resolve()))));
});

/**
 * Something else listening on the port, as when a second copy runs. It drops every connection at
 * once (a dev server's readiness probe connects to it), so closing it never waits for one.
 */
async function occupy(port: number, host = '127.0.0.1'): Promise<void> {
  const server = createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  squatters.push(server);
  occupied.add(port);
}

/** Something else bound to the UDP port, as a Wake-on-LAN listener would be. */
async function occupyDatagram(port: number, host: string): Promise<void> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(port, host, resolve));
  datagramSquatters.push(socket);
}

interface StartupCase {
  name: string;
  env: (ports: DemoPorts) => Promise<Record<string, string>> | Record<string, string>;
  line: (ports: DemoPorts) => string;
}

/** Something else already listens on the port that `setting` names. */
function portTaken(setting: 'API_PORT' | 'TEMPORAL_PORT' | 'TEMPORAL_UI_PORT' | 'METRICS_PORT' | 'DEMO_ALERTS_PORT' | 'PROMETHEUS_PORT' | 'ALERTMANAGER_PORT', name: string): StartupCase {
  return {
    name,
    env: async (ports) => {
      await occupy(ports[setting]);
      return {};
    },
    line: (ports) => `${setting} ${ports[setting]} is already in use (EADDRINUSE): stop what listens there or set ${setting}`,
  };
}

const DEMO_DEVICES = path.resolve(__dirname, '../../simulator/demo-devices.yaml');

/** Something else already listens where the first demo device on the port `setting` names would. */
function demoDevicePortTaken(setting: 'DEMO_PJLINK_PORT' | 'DEMO_HTTP_PORT' | 'DEMO_TCP_PORT' | 'DEMO_AGENT_PORT' | 'DEMO_WOL_PORT' | 'DEMO_SNMP_PORT'): StartupCase {
  let host = '';
  return {
    name: `the port of a demo device (${setting}) is taken`,
    env: async (ports) => {
      const env = Object.fromEntries(Object.entries(ports).map(([name, port]) => [name, String(port)]));
      // Magic packets and SNMP are datagrams; a wol PC's `port` is its agent's, its `wolPort` the packets'.
      const datagram = setting === 'DEMO_WOL_PORT' || setting === 'DEMO_SNMP_PORT';
      const device = loadSimulatorConfig(DEMO_DEVICES, env).devices.find((each) => (setting === 'DEMO_WOL_PORT' ? 'wolPort' in each && each.wolPort : each.port) === ports[setting]);
      if (!device) throw new Error(`no demo device listens on ${setting}`);
      host = device.host ?? '127.0.0.1';
      await (datagram ? occupyDatagram(ports[setting], host) : occupy(ports[setting], host));
      return {};
    },
    line: (ports) => `${setting} ${ports[setting]} is already in use on ${host} (EADDRINUSE), by a demo device: stop what listens there or set ${setting}`,
  };
}

const unreachable = 'cannot reach Temporal at 127.0.0.1:1 (TEMPORAL_ADDRESS): connection refused; is the server running?';
const noVenueFile = "/nonexistent/venue.yaml: cannot read the venue file (ENOENT): set VENUE_CONFIG to the venue file's path";
const noSecretsFile = "/nonexistent/secrets.yaml: cannot read the secrets file (ENOENT): set SHOWCTL_SECRETS_FILE to the secrets file's path, or unset it";
const badLogLevel = 'environment variable LOG_LEVEL is "CHATTY": Invalid option: expected one of "TRACE"|"DEBUG"|"INFO"|"WARN"|"ERROR"';
const publicWithoutToken = 'API_HOST is 0.0.0.0 but API_TOKEN is not set: set a token of 16+ characters, or listen on loopback for the local demo';
const MALFORMED_ADDRESS = 'temporal.example:port';
const malformedAddress = `TEMPORAL_ADDRESS is "${MALFORMED_ADDRESS}", not host:port: set it to the address of a Temporal frontend, e.g. 127.0.0.1:7233`;

const cases: StartupCase[] = [
  {
    name: 'the API listens on a public address without a token',
    env: () => ({ API_HOST: '0.0.0.0' }),
    line: () => publicWithoutToken,
  },
  portTaken('API_PORT', 'the API port is taken'),
  portTaken('TEMPORAL_PORT', 'the Temporal port is taken'),
  portTaken('TEMPORAL_UI_PORT', 'the Web UI port is taken'),
  portTaken('METRICS_PORT', 'the metrics port is taken'),
  portTaken('DEMO_ALERTS_PORT', 'the notification printer port is taken'),
  portTaken('PROMETHEUS_PORT', 'the Prometheus port is taken'),
  portTaken('ALERTMANAGER_PORT', 'the Alertmanager port is taken'),
  demoDevicePortTaken('DEMO_PJLINK_PORT'),
  demoDevicePortTaken('DEMO_HTTP_PORT'),
  demoDevicePortTaken('DEMO_TCP_PORT'),
  demoDevicePortTaken('DEMO_AGENT_PORT'),
  demoDevicePortTaken('DEMO_WOL_PORT'),
  demoDevicePortTaken('DEMO_SNMP_PORT'),
  {
    name: 'Temporal is not where TEMPORAL_ADDRESS says',
    env: () => ({ TEMPORAL_ADDRESS: '127.0.0.1:1' }),
    line: () => unreachable,
  },
  {
    name: 'TEMPORAL_ADDRESS is not an address',
    env: () => ({ TEMPORAL_ADDRESS: MALFORMED_ADDRESS }),
    line: () => malformedAddress,
  },
  {
    name: 'the venue file does not exist',
    env: () => ({ VENUE_CONFIG: '/nonexistent/venue.yaml' }),
    line: () => noVenueFile,
  },
  {
    name: 'the secrets file cannot be read',
    env: () => ({ SHOWCTL_SECRETS_FILE: '/nonexistent/secrets.yaml' }),
    line: () => noSecretsFile,
  },
  {
    name: 'a secret the venue names is missing',
    env: () => ({ SHOWCTL_SECRETS_FILE: '/dev/null' }),
    line: () => 'secret "DEMO_PDU_COMMUNITY" is not set: looked for environment variable SHOWCTL_SECRET_DEMO_PDU_COMMUNITY, then key "DEMO_PDU_COMMUNITY" in /dev/null',
  },
  {
    name: 'LOG_LEVEL is not a level',
    env: () => ({ LOG_LEVEL: 'CHATTY' }),
    line: () => badLogLevel,
  },
];

describe('npm start, when it cannot start', () => {
  it.each(cases)('when $name, then it exits 1 with one line saying so, and nothing is left listening', async ({ env, line }) => {
    let ports: DemoPorts | undefined;
    const { code, output, ms, leftBehind } = await npmStartFailure(async (given) => {
      ports = given;
      return env(given);
    }, EXIT_WITHIN_MS);
    expect(code, output).toBe(1);
    expect(output).toContain(line(ports!));
    expect(output.split('\n').filter((printed) => SECONDARY_ERROR.test(printed)), 'no second error hides the cause').toEqual([]);
    expect(ms).toBeLessThan(EXIT_WITHIN_MS);
    expect(leftBehind, 'processes of the run still alive').toEqual([]);
    for (const name of ['TEMPORAL_PORT', 'TEMPORAL_UI_PORT', 'METRICS_PORT'] as const) {
      if (occupied.has(ports![name])) continue;
      expect(await isListening(ports![name]), `${name} ${ports![name]} still listening`).toBe(false);
    }
  }, EXIT_WITHIN_MS + 30_000);
});

/** The worker and the API alone, as a deployment runs them: the same start-up path, the same lines. */
const alone = { VENUE_CONFIG: 'config/demo-venue.yaml', SHOWCTL_SECRETS_FILE: 'config/demo-secrets.yaml' };
type Script = 'worker' | 'api';
/** What both need from the environment and the venue; the API also needs a server to get past its connection. */
function deploymentCases(script: Script): (StartupCase & { script: Script })[] {
  const reachable = script === 'api' ? { TEMPORAL_ADDRESS: temporalAddress(), API_TOKEN: 'a-token-of-16-characters-or-more' } : {};
  const rows: StartupCase[] = [
    { name: 'Temporal is not where TEMPORAL_ADDRESS says', env: () => ({ ...alone, TEMPORAL_ADDRESS: '127.0.0.1:1' }), line: () => unreachable },
    { name: 'TEMPORAL_ADDRESS is not an address', env: () => ({ ...alone, TEMPORAL_ADDRESS: MALFORMED_ADDRESS }), line: () => malformedAddress },
    { name: 'the venue file does not exist', env: () => ({ ...alone, ...reachable, VENUE_CONFIG: '/nonexistent/venue.yaml' }), line: () => noVenueFile },
    { name: 'LOG_LEVEL is not a level', env: () => ({ ...alone, ...reachable, LOG_LEVEL: 'CHATTY' }), line: () => badLogLevel },
    ...(script === 'worker'
      ? [
          { name: 'the secrets file cannot be read', env: () => ({ ...alone, SHOWCTL_SECRETS_FILE: '/nonexistent/secrets.yaml' }), line: () => noSecretsFile },
          {
            name: 'a secret the venue names is missing',
            env: () => ({ ...alone, SHOWCTL_SECRETS_FILE: '/dev/null' }),
            line: () => 'secret "DEMO_PDU_COMMUNITY" is not set: looked for environment variable SHOWCTL_SECRET_DEMO_PDU_COMMUNITY, then key "DEMO_PDU_COMMUNITY" in /dev/null',
          },
          {
            name: 'the metrics port is taken',
            env: async (ports: DemoPorts) => {
              await occupy(ports.METRICS_PORT);
              return { ...alone };
            },
            line: (ports: DemoPorts) => `METRICS_PORT ${ports.METRICS_PORT} is already in use (EADDRINUSE): stop what listens there or set METRICS_PORT`,
          },
        ]
      : [
          {
            name: 'the API port is taken',
            env: async (ports: DemoPorts) => {
              await occupy(ports.API_PORT);
              return { ...alone, ...reachable };
            },
            line: (ports: DemoPorts) => `API_PORT ${ports.API_PORT} is already in use (EADDRINUSE): stop what listens there or set API_PORT`,
          },
          {
            name: 'no API_TOKEN is set',
            env: () => ({ ...alone, TEMPORAL_ADDRESS: temporalAddress() }),
            line: () => 'API_TOKEN is not set: set it, or set API_LOCAL_DEMO=true to run an open API on a local demo',
          },
        ]),
  ];
  return rows.map((row) => ({ ...row, script }));
}

describe('npm run worker and npm run api, when they cannot start', () => {
  it.each([...deploymentCases('worker'), ...deploymentCases('api')])('when npm run $script finds that $name, then it exits 1 with one line saying so', async ({ script, env, line }) => {
    let ports: DemoPorts | undefined;
    const { code, output, ms, leftBehind } = await npmStartFailure(async (given) => {
      ports = given;
      return env(given);
    }, EXIT_WITHIN_MS, script);
    expect(code, output).toBe(1);
    expect(output).toContain(line(ports!));
    expect(output.split('\n').filter((printed) => SECONDARY_ERROR.test(printed)), 'no second error hides the cause').toEqual([]);
    expect(ms).toBeLessThan(EXIT_WITHIN_MS);
    expect(leftBehind, 'processes of the run still alive').toEqual([]);
  }, EXIT_WITHIN_MS + 30_000);
});

describe('npm start, when it is killed', () => {
  it('when it is killed with SIGKILL, then its dev server and the simulated devices are gone within seconds', async () => {
    const start = await startNpmStart();
    try {
      // The run's mark reaches what npm start spawns (the dev server), or the tables' process check proves nothing.
      expect(start.processes().filter((pid) => pid !== start.child.pid).length, 'processes of the run besides npm start').toBeGreaterThan(0);
      process.kill(-(start.child.pid as number), 'SIGKILL');
      await waitFor('the dev server and the simulator gone', async () => !(await isListening(start.ports.TEMPORAL_PORT)) && !(await isListening(start.ports.DEMO_PJLINK_PORT, '127.0.10.1')), SERVER_STOP_WITHIN_MS);
      await waitFor('no process of the run alive', () => start.processes().length === 0, SERVER_STOP_WITHIN_MS);
    } finally {
      await start.cleanUp();
    }
  }, 180_000);
});
