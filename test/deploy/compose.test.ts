import { execFile } from 'node:child_process';
import { cp, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { loadEnvironment } from '../../config/environment';
import { ENTRY_POINTS } from '../../deploy/build';
import { loadSimulatorConfig } from '../../simulator/config';
import {
  bindMounts,
  commandOf,
  dependencies,
  dockerCompose,
  publishedPorts,
  resolvedCompose,
  ROOT,
  type ComposeModel,
  type ComposeService,
} from './compose';

const run = promisify(execFile);

const OUR_IMAGE = 'show-control:local';
/** Services that run our code, each named after the npm script it runs compiled. */
const OUR_SERVICES = ['worker', 'api', 'sync', 'simulator', 'alertmanager-config', 'notification-printer'] as const;
const ONE_SHOTS = ['temporal-schema', 'temporal-init', 'sync', 'alertmanager-config'];

let compose: ComposeModel;
const service = (name: string): ComposeService => {
  const found = compose.services[name];
  if (!found) throw new Error(`docker-compose.yml has no service ${name}`);
  return found;
};
const environmentOf = (name: string): Record<string, string> =>
  Object.fromEntries(Object.entries(service(name).environment ?? {}).map(([key, value]) => [key, String(value ?? '')]));
const readRepoFile = (file: string): string => readFileSync(path.join(ROOT, file), 'utf8');

beforeAll(async () => {
  compose = await resolvedCompose();
});

describe('docker-compose.yml, validated by docker-compose itself', () => {
  it('when docker-compose checks the file with an API token given, then it is valid', async () => {
    const result = await dockerCompose(['config', '-q'], { API_TOKEN: 'any-token-of-16-characters' });
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
  });

  it('when no API token is given, then the stack refuses to start and says which variable to set', async () => {
    const result = await dockerCompose(['config', '-q']);
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toContain('set API_TOKEN');
  });

  it('when the file is read, then it carries no token of its own', () => {
    expect(readRepoFile('docker-compose.yml')).not.toMatch(/^\s*-?\s*API_TOKEN[:=]\s*[^$\s]/m);
  });
});

describe('our services run what the npm scripts run', () => {
  const scripts = JSON.parse(readRepoFile('package.json')).scripts as Record<string, string>;

  it.each(OUR_SERVICES)('when the %s service starts, then it runs the compiled entry of its npm script', (name) => {
    const source = /^node --import tsx (\S+)\.ts$/.exec(scripts[name] ?? '')?.[1];
    expect(source, `npm script "${name}" runs one TypeScript file with node --import tsx`).toBeDefined();
    expect(ENTRY_POINTS, 'deploy/build.ts compiles it').toContain(`${source}.ts`);
    expect(service(name).image).toBe(OUR_IMAGE);
    expect(commandOf(service(name)).slice(0, 2)).toEqual(['node', `dist/${source}.js`]);
  });

  it('when the image runs without a command, then it is the worker', () => {
    const dockerfile = readRepoFile('Dockerfile');
    const cmd = /^CMD (\[.*\])$/m.exec(dockerfile)?.[1];
    expect(JSON.parse(cmd ?? '[]')).toEqual(commandOf(service('worker')));
  });

  it('when the image is built, then the build compiles with deploy/build.ts and runs as a non-root user on Node 20 slim', () => {
    const stages = readRepoFile('Dockerfile').split(/^FROM /m).slice(1);
    const runtime = stages.at(-1) ?? '';
    expect(readRepoFile('Dockerfile')).toMatch(/^ARG NODE_IMAGE=node:20[.\d]*-slim$/m);
    expect(stages.some((stage) => /^RUN npx tsx deploy\/build\.ts --out-dir dist$/m.test(stage))).toBe(true);
    expect(runtime).toMatch(/^COPY --from=build \/app\/dist \.\/dist$/m);
    expect(runtime).toMatch(/^USER node$/m);
  });

  it('when a service reads a file of the repository, then the runtime image contains it', () => {
    const runtime = readRepoFile('Dockerfile').split(/^FROM /m).at(-1) ?? '';
    const copied = [...runtime.matchAll(/^COPY (?!--from)(\S+) \S+$/gm)].map(([, pattern]) => globToRegExp(pattern ?? ''));
    const read = OUR_SERVICES.flatMap((name) => {
      const env = environmentOf(name);
      const command = commandOf(service(name));
      const configArg = command[command.indexOf('--config') + 1];
      return [env.VENUE_CONFIG, env.SHOWCTL_SECRETS_FILE, command.includes('--config') ? configArg : undefined];
    }).filter((file): file is string => file !== undefined);
    expect(read).toContain('config/demo-venue.yaml');
    for (const file of new Set(read)) {
      expect(existsSync(path.join(ROOT, file)), `${file} exists`).toBe(true);
      expect(copied.some((pattern) => pattern.test(file)), `${file} is copied into the runtime image`).toBe(true);
    }
  });
});

describe('environment of the services', () => {
  it.each(OUR_SERVICES)('when the %s service starts, then every variable it gets is one the project or the Temporal SDK reads', async (name) => {
    const env = environmentOf(name);
    const known = new Set(Object.keys(loadEnvironment(env)));
    const temporalStandard = await temporalEnvironmentNames();
    const unknown = Object.keys(env).filter((key) => !known.has(key) && !temporalStandard.has(key) && !key.startsWith('SHOWCTL_SECRET_'));
    expect(unknown, 'names neither config/environment.ts nor @temporalio/envconfig reads').toEqual([]);
  });

  it('when the services connect, then they share one Temporal address, namespace, task queue and venue', () => {
    const shared = ['TEMPORAL_ADDRESS', 'TEMPORAL_NAMESPACE', 'TEMPORAL_TASK_QUEUE', 'VENUE_CONFIG'];
    const [first, ...others] = ['worker', 'api', 'sync'].map((name) => pick(environmentOf(name), shared));
    for (const other of others) expect(other).toEqual(first);
    // The frontend's gRPC port inside the compose network (the server image's default).
    expect(first?.TEMPORAL_ADDRESS).toBe('temporal:7233');
    expect(publishedPorts(service('temporal')).map((port) => port.target)).toContain(7233);
    expect(environmentOf('temporal-init')).toMatchObject(pick(first ?? {}, ['TEMPORAL_ADDRESS', 'TEMPORAL_NAMESPACE']));
  });

  it.each([
    ['temporal-init', 'deploy/temporal-init.sh'],
    ['temporal-schema', 'deploy/temporal-schema.sh'],
  ])('when the %s one-shot runs, then it runs %s from the mounted deploy folder and each variable it gets is read', async (name, script) => {
    expect(service(name).entrypoint).toEqual(['/bin/sh', `/${script}`]);
    expect(bindMounts(service(name))).toContainEqual({ source: path.join(ROOT, 'deploy'), target: '/deploy' });
    const text = readRepoFile(script);
    const temporalStandard = await temporalEnvironmentNames();
    for (const key of Object.keys(environmentOf(name))) {
      expect(text.includes(`\${${key}`) || temporalStandard.has(key), `${script} or the Temporal CLI reads ${key}`).toBe(true);
    }
  });
});

describe('ports', () => {
  const defaults = loadEnvironment({});

  it('when the API runs, then it listens and is published on the default API port', () => {
    const env = environmentOf('api');
    expect(Number(env.API_PORT)).toBe(defaults.API_PORT);
    expect(publishedPorts(service('api'))).toContainEqual({ hostIp: '127.0.0.1', published: defaults.API_PORT, target: defaults.API_PORT });
  });

  it('when Temporal and its Web UI run, then they are published where `npm start` puts them', () => {
    const start = readRepoFile('devstack/start.ts');
    const grpcDefault = Number(/TEMPORAL_PORT \?\? (\d+)/.exec(start)?.[1]);
    const uiDefault = Number(/TEMPORAL_UI_PORT \?\? (\d+)/.exec(start)?.[1]);
    expect(publishedPorts(service('temporal'))).toContainEqual({ hostIp: '127.0.0.1', published: grpcDefault, target: 7233 });
    expect(publishedPorts(service('temporal-ui'))).toContainEqual({ hostIp: '127.0.0.1', published: uiDefault, target: 8080 });
    expect(environmentOf('api').TEMPORAL_UI_URL).toBe(`http://localhost:${uiDefault}`);
  });

  it('when Prometheus scrapes, then it reaches the worker metrics port on the loopback it shares with the worker', () => {
    const metricsPort = Number(environmentOf('worker').METRICS_PORT);
    expect(metricsPort).toBe(defaults.METRICS_PORT);
    expect(service('prometheus').network_mode).toBe('service:worker');
    expect(publishedPorts(service('worker'))).toContainEqual({ hostIp: '127.0.0.1', published: 9090, target: 9090 });
    expect(scrapeTargets('show-control-worker')).toEqual([`127.0.0.1:${metricsPort}`]);
  });

  it('when the simulator runs, then it shares the worker network and its health check probes the first demo device', () => {
    expect(service('simulator').network_mode).toBe('service:worker');
    const [first] = loadSimulatorConfig(path.join(ROOT, 'simulator/demo-devices.yaml'), {}).devices;
    const healthcheck = JSON.stringify(service('simulator').healthcheck?.test);
    expect(healthcheck).toContain(`connect(${first?.port}, '${first?.host}')`);
  });

  it('when anything is published, then it is on 127.0.0.1 unless SHOWCTL_PUBLISH_ADDRESS says otherwise', () => {
    const hostIps = Object.values(compose.services).flatMap((each) => publishedPorts(each).map((port) => port.hostIp));
    expect(hostIps.length).toBeGreaterThan(0);
    expect(new Set(hostIps)).toEqual(new Set(['127.0.0.1']));
  });
});

describe('start order, health and data', () => {
  it('when the stack starts, then each step waits for the one it needs', () => {
    expect(dependencies(service('temporal-schema'))).toEqual({ postgresql: 'service_healthy' });
    expect(dependencies(service('temporal'))).toEqual({ 'temporal-schema': 'service_completed_successfully' });
    expect(dependencies(service('temporal-init'))).toEqual({ temporal: 'service_healthy' });
    for (const name of ['worker', 'api', 'sync']) {
      expect(dependencies(service(name))).toMatchObject({ 'temporal-init': 'service_completed_successfully' });
    }
    // Workflows start only once the devices answer, so the first checks are not failures.
    expect(dependencies(service('sync'))).toMatchObject({ simulator: 'service_healthy' });
  });

  it('when a service waits for another, then that one exists and can report what is awaited', () => {
    for (const [name, each] of Object.entries(compose.services)) {
      for (const [dependency, condition] of Object.entries(dependencies(each))) {
        const target = compose.services[dependency];
        expect(target, `${name} depends on ${dependency}`).toBeDefined();
        if (condition === 'service_healthy') expect(target?.healthcheck, `${dependency} has a health check`).toBeDefined();
        if (condition === 'service_completed_successfully') expect(ONE_SHOTS).toContain(dependency);
      }
    }
  });

  it('when a one-shot fails, then it is retried a bounded number of times; long-running services restart', () => {
    for (const [name, each] of Object.entries(compose.services)) {
      if (ONE_SHOTS.includes(name)) expect(each.restart, name).toMatch(/^on-failure:\d+$/);
      else expect(each.restart, name).toBe('unless-stopped');
    }
  });

  it('when the stack is recreated, then PostgreSQL and Prometheus keep their data in named volumes', () => {
    const named = Object.keys(compose.volumes ?? {});
    const volumeAt = (name: string, target: string) =>
      (service(name).volumes ?? []).some((volume) =>
        typeof volume === 'string' ? named.includes(volume.split(':')[0] ?? '') && volume.split(':')[1] === target : volume.type === 'volume' && named.includes(volume.source ?? '') && volume.target === target,
      );
    expect(volumeAt('postgresql', '/var/lib/postgresql/data')).toBe(true);
    expect(volumeAt('prometheus', '/prometheus')).toBe(true);
  });

  it('when images are pulled, then each is pinned to a version', () => {
    for (const [name, each] of Object.entries(compose.services)) {
      const tag = each.image?.split(':')[1] ?? '';
      if (each.image === OUR_IMAGE) expect(each.build, `${name} builds ${OUR_IMAGE}`).toBeDefined();
      else expect(tag, `${name}: ${each.image}`).toMatch(/^v?\d+(\.\d+)+$/);
    }
  });

  it('when a file is bind-mounted, then it exists in the repository', () => {
    for (const each of Object.values(compose.services)) {
      for (const { source } of bindMounts(each)) expect(existsSync(source), source).toBe(true);
    }
  });

  it('when the schema is set up, then the official tool prepares both Temporal databases', () => {
    const script = readRepoFile('deploy/temporal-schema.sh');
    expect(service('temporal-schema').image).toMatch(/^temporalio\/admin-tools:/);
    expect(script).toContain('temporal-sql-tool --plugin postgres12');
    expect(script).toMatch(/^prepare_database temporal temporal$/m);
    expect(script).toMatch(/^prepare_database temporal_visibility visibility$/m);
  });
});

describe('Prometheus of the stack', () => {
  it('when it loads its configuration with the mounted alert rules, then promtool accepts both', async () => {
    const scratch = await mkdtemp(path.join(tmpdir(), 'compose-prometheus-'));
    try {
      for (const { source, target } of bindMounts(service('prometheus'))) {
        if (target.startsWith('/etc/prometheus/')) await cp(source, path.join(scratch, path.relative('/etc/prometheus', target)));
      }
      const { stdout } = await promtool(['check', 'config', path.join(scratch, 'prometheus.yml')]);
      expect(stdout).toMatch(/SUCCESS: [1-9]\d* rules found/);
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  });

  it('when an alert rule names a scrape job, then the stack scrapes that job', async () => {
    const rules = await readFile(path.join(ROOT, 'observability/alerts.yml'), 'utf8');
    const jobs = new Set([...rules.matchAll(/job="([^"]+)"/g)].map(([, job]) => job));
    expect(jobs.size).toBeGreaterThan(0);
    for (const job of jobs) expect(scrapeTargets(job ?? '').length, `scrape job ${job}`).toBeGreaterThan(0);
  });

  it('when it scrapes the Temporal server, then the target is the temporal service\'s PROMETHEUS_ENDPOINT port', () => {
    const endpoint = String(service('temporal').environment?.PROMETHEUS_ENDPOINT ?? '');
    const port = endpoint.split(':').at(-1);
    expect(port).toMatch(/^\d+$/);
    expect(scrapeTargets('temporal-server')).toEqual([`temporal:${port}`]);
  });
});

describe('Alertmanager of the stack', () => {
  const volumeMount = (name: string, volume: string) =>
    (service(name).volumes ?? []).flatMap((each) => {
      // docker-compose 1.29 prints "volume:target:rw", Compose v2 the long form.
      if (typeof each === 'string') return each.split(':')[0] === volume ? [each.split(':')[1] ?? ''] : [];
      return each.type === 'volume' && each.source === volume ? [each.target] : [];
    })[0];
  const flag = (name: string, key: string) => commandOf(service(name)).find((arg) => arg.startsWith(`--${key}=`))?.split('=').slice(1).join('=');

  it('when alertmanager-config has written the configuration, then Alertmanager reads that file from the same named volume, as the file\'s owner', () => {
    const command = commandOf(service('alertmanager-config'));
    const out = command[command.indexOf('--out') + 1] ?? '';
    expect(Object.keys(compose.volumes ?? {})).toContain('alertmanager');
    expect(path.posix.dirname(out)).toBe(volumeMount('alertmanager-config', 'alertmanager'));
    expect(flag('alertmanager', 'config.file')).toBe(path.posix.join(volumeMount('alertmanager', 'alertmanager') ?? '', path.posix.basename(out)));
    expect(dependencies(service('alertmanager'))).toMatchObject({ 'alertmanager-config': 'service_completed_successfully' });
    // The file is 0600 (it holds credentials) and owned by our image's `node` user, uid 1000 in the Node images.
    expect(readRepoFile('Dockerfile')).toMatch(/^RUN install -d -o node -g node \/app\/data\/alertmanager$/m);
    expect(path.posix.dirname(out)).toBe('/app/data/alertmanager');
    expect(service('alertmanager').user).toBe('1000:1000');
    expect(flag('alertmanager', 'storage.path')?.startsWith(`${volumeMount('alertmanager', 'alertmanager')}/`)).toBe(true);
  });

  it('when Prometheus sends alerts and scrapes Alertmanager, then both reach it on the loopback they share with the worker', () => {
    const port = Number(flag('alertmanager', 'web.listen-address')?.split(':').at(-1));
    expect(service('alertmanager').network_mode).toBe('service:worker');
    expect(flag('alertmanager', 'cluster.listen-address')).toBe('');
    expect(scrapeTargets('alertmanager')).toEqual([`127.0.0.1:${port}`]);
    const config = parseYaml(readRepoFile('observability/prometheus.yml')) as { alerting: { alertmanagers: { static_configs: { targets: string[] }[] }[] } };
    expect(config.alerting.alertmanagers.flatMap((each) => each.static_configs.flatMap((set) => set.targets))).toEqual([`127.0.0.1:${port}`]);
    expect(publishedPorts(service('worker'))).toContainEqual({ hostIp: '127.0.0.1', published: port, target: port });
  });

  it('when alertmanager-config runs with its environment, then it writes a configuration amtool accepts, whose demo receiver is the notification printer', async () => {
    const scratch = await mkdtemp(path.join(tmpdir(), 'compose-alertmanager-'));
    try {
      const out = path.join(scratch, 'alertmanager.yml');
      const env = environmentOf('alertmanager-config');
      await run(process.execPath, ['--import', 'tsx', 'alerting/cli.ts', '--out', out], { cwd: ROOT, env: { PATH: process.env.PATH, ...env } });
      const checked = await amtool(['check-config', out]);
      expect(checked.stdout).toContain('SUCCESS');
      const printerPort = Number(/DEFAULT_PRINTER_PORT = (\d+)/.exec(readRepoFile('alerting/notification-printer.ts'))?.[1]);
      expect(readFileSync(out, 'utf8')).toContain(`url: http://127.0.0.1:${printerPort}/alerts`);
      expect(service('notification-printer').network_mode).toBe('service:worker');
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  });
});

async function amtool(args: string[]): Promise<{ stdout: string }> {
  try {
    return await run('amtool', args);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error('amtool is not installed. On Debian or Ubuntu: apt-get install prometheus-alertmanager (.ci/run installs it).');
    }
    throw error;
  }
}

interface PrometheusConfig {
  scrape_configs: { job_name: string; static_configs?: { targets: string[] }[]; file_sd_configs?: { files: string[] }[] }[];
}

/** The targets the stack's Prometheus scrapes for `job`: static ones and those in the target files mounted beside its config. */
function scrapeTargets(job: string): string[] {
  const mounts = bindMounts(service('prometheus'));
  const mounted = (target: string) => mounts.find((mount) => mount.target === target)?.source;
  const configFile = mounted('/etc/prometheus/prometheus.yml');
  if (!configFile) throw new Error('the prometheus service mounts no /etc/prometheus/prometheus.yml');
  const config = parseYaml(readFileSync(configFile, 'utf8')) as PrometheusConfig;
  const targetFiles = mounts.filter((mount) => mount.target.startsWith('/etc/prometheus/')).map((mount) => mount.target);
  return config.scrape_configs
    .filter((each) => each.job_name === job)
    .flatMap((each) => [
      ...(each.static_configs ?? []).flatMap((set) => set.targets),
      ...(each.file_sd_configs ?? [])
        .flatMap((sd) => sd.files.map((pattern) => path.posix.join('/etc/prometheus', pattern)))
        .flatMap((pattern) => targetFiles.filter((file) => globRegex(pattern).test(file)))
        .flatMap((file) => (parseYaml(readFileSync(mounted(file) as string, 'utf8')) as { targets: string[] }[]).flatMap((set) => set.targets)),
    ]);
}

/** Prometheus file_sd patterns use `*` within one path segment only. */
function globRegex(pattern: string): RegExp {
  return new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*')}$`);
}

async function promtool(args: string[]): Promise<{ stdout: string }> {
  try {
    return await run('promtool', args);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error('promtool is not installed. On Debian or Ubuntu: apt-get install prometheus (.ci/run installs it).');
    }
    throw error;
  }
}

let envconfigNames: Promise<Set<string>> | undefined;

/** The TEMPORAL_* variables @temporalio/envconfig (config/temporal.ts) reads: address, namespace, API key, TLS. */
function temporalEnvironmentNames(): Promise<Set<string>> {
  envconfigNames ??= (async () => {
    const lib = path.dirname(require.resolve('@temporalio/envconfig'));
    const sources = (await readdir(lib)).filter((file) => file.endsWith('.js'));
    const texts = await Promise.all(sources.map((file) => readFile(path.join(lib, file), 'utf8')));
    return new Set(texts.flatMap((text) => text.match(/TEMPORAL_[A-Z_]+[A-Z]/g) ?? []));
  })();
  return envconfigNames;
}

function pick(env: Record<string, string | undefined>, keys: string[]): Record<string, string | undefined> {
  return Object.fromEntries(keys.map((key) => [key, env[key]]));
}

function globToRegExp(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*');
  return new RegExp(`^${escaped.replace(/\/$/, '/.*')}$`);
}
