/**
 * `npm start` when something it needs is wrong: it exits non-zero within seconds with one line
 * that names what failed, the value and the setting, prints no second error from its clean-up,
 * and leaves nothing listening on the ports it was given. Killed outright, it takes its dev server
 * and simulated devices with it.
 */
import { createServer, type Server } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
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
const occupied = new Set<number>();
afterAll(() => Promise.all(squatters.map((server) => new Promise((resolve) => server.close(resolve)))));

/**
 * Something else listening on the port, as when a second copy runs. It drops every connection at
 * once (a dev server's readiness probe connects to it), so closing it never waits for one.
 */
async function occupy(port: number): Promise<void> {
  const server = createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  squatters.push(server);
  occupied.add(port);
}

interface StartupCase {
  name: string;
  env: (ports: DemoPorts) => Promise<Record<string, string>> | Record<string, string>;
  line: (ports: DemoPorts) => string;
}

/** Something else already listens on the port that `setting` names. */
function portTaken(setting: 'API_PORT' | 'TEMPORAL_PORT' | 'TEMPORAL_UI_PORT' | 'METRICS_PORT', name: string): StartupCase {
  return {
    name,
    env: async (ports) => {
      await occupy(ports[setting]);
      return {};
    },
    line: (ports) => `${setting} ${ports[setting]} is already in use (EADDRINUSE): stop what listens there or set ${setting}`,
  };
}

const cases: StartupCase[] = [
  {
    name: 'the API listens on a public address without a token',
    env: () => ({ API_HOST: '0.0.0.0' }),
    line: () => 'API_HOST is 0.0.0.0 but API_TOKEN is not set: set a token of 16+ characters, or listen on loopback for the local demo',
  },
  portTaken('API_PORT', 'the API port is taken'),
  portTaken('TEMPORAL_PORT', 'the Temporal port is taken'),
  portTaken('TEMPORAL_UI_PORT', 'the Web UI port is taken'),
  portTaken('METRICS_PORT', 'the metrics port is taken'),
  {
    name: 'Temporal is not where TEMPORAL_ADDRESS says',
    env: () => ({ TEMPORAL_ADDRESS: '127.0.0.1:1' }),
    line: () => 'cannot reach Temporal at 127.0.0.1:1 (TEMPORAL_ADDRESS): connection refused; is the server running?',
  },
  {
    name: 'the venue file does not exist',
    env: () => ({ VENUE_CONFIG: '/nonexistent/venue.yaml' }),
    line: () => '/nonexistent/venue.yaml: cannot read the venue file (ENOENT)',
  },
  {
    name: 'the secrets file cannot be read',
    env: () => ({ SHOWCTL_SECRETS_FILE: '/nonexistent/secrets.yaml' }),
    line: () => '/nonexistent/secrets.yaml: cannot read the secrets file (ENOENT)',
  },
  {
    name: 'a secret the venue names is missing',
    env: () => ({ SHOWCTL_SECRETS_FILE: '/dev/null' }),
    line: () => 'secret "DEMO_PJLINK" is not set: looked for environment variable SHOWCTL_SECRET_DEMO_PJLINK, then key "DEMO_PJLINK" in /dev/null',
  },
  {
    name: 'LOG_LEVEL is not a level',
    env: () => ({ LOG_LEVEL: 'CHATTY' }),
    line: () => 'environment variable LOG_LEVEL: Invalid option: expected one of "TRACE"|"DEBUG"|"INFO"|"WARN"|"ERROR"',
  },
];

describe('npm start, when it cannot start', () => {
  it.each(cases)('when $name, then it exits 1 with one line saying so, and nothing is left listening', async ({ env, line }) => {
    let ports: DemoPorts | undefined;
    const { code, output, ms } = await npmStartFailure(async (given) => {
      ports = given;
      return env(given);
    }, EXIT_WITHIN_MS);
    expect(code, output).toBe(1);
    expect(output).toContain(line(ports!));
    expect(output.split('\n').filter((printed) => SECONDARY_ERROR.test(printed)), 'no second error hides the cause').toEqual([]);
    expect(ms).toBeLessThan(EXIT_WITHIN_MS);
    for (const name of ['TEMPORAL_PORT', 'TEMPORAL_UI_PORT', 'METRICS_PORT'] as const) {
      if (occupied.has(ports![name])) continue;
      expect(await isListening(ports![name]), `${name} ${ports![name]} still listening`).toBe(false);
    }
  }, EXIT_WITHIN_MS + 30_000);
});

/** The worker and the API alone, as a deployment runs them: the same start-up path, the same lines. */
const alone = { VENUE_CONFIG: 'config/demo-venue.yaml', SHOWCTL_SECRETS_FILE: 'config/demo-secrets.yaml' };
const scriptCases: (StartupCase & { script: string })[] = [
  {
    script: 'worker',
    name: 'Temporal is not where TEMPORAL_ADDRESS says',
    env: () => ({ ...alone, TEMPORAL_ADDRESS: '127.0.0.1:1' }),
    line: () => 'cannot reach Temporal at 127.0.0.1:1 (TEMPORAL_ADDRESS): connection refused; is the server running?',
  },
  {
    script: 'api',
    name: 'the API port is taken',
    env: async (ports) => {
      await occupy(ports.API_PORT);
      return { ...alone, TEMPORAL_ADDRESS: temporalAddress(), API_TOKEN: 'a-token-of-16-characters-or-more' };
    },
    line: (ports) => `API_PORT ${ports.API_PORT} is already in use (EADDRINUSE): stop what listens there or set API_PORT`,
  },
];

describe('npm run worker and npm run api, when they cannot start', () => {
  it.each(scriptCases)('when npm run $script finds that $name, then it exits 1 with one line saying so', async ({ script, env, line }) => {
    let ports: DemoPorts | undefined;
    const { code, output } = await npmStartFailure(async (given) => {
      ports = given;
      return env(given);
    }, EXIT_WITHIN_MS, script);
    expect(code, output).toBe(1);
    expect(output).toContain(line(ports!));
    expect(output.split('\n').filter((printed) => SECONDARY_ERROR.test(printed)), 'no second error hides the cause').toEqual([]);
  }, EXIT_WITHIN_MS + 30_000);
});

describe('npm start, when it is killed', () => {
  it('when it is killed with SIGKILL, then its dev server and the simulated devices are gone within seconds', async () => {
    const start = await startNpmStart();
    try {
      process.kill(-(start.child.pid as number), 'SIGKILL');
      await waitFor('the dev server and the simulator gone', async () => !(await isListening(start.ports.TEMPORAL_PORT)) && !(await isListening(start.ports.DEMO_PJLINK_PORT, '127.0.10.1')), SERVER_STOP_WITHIN_MS);
    } finally {
      await start.cleanUp();
    }
  }, 180_000);
});
