/**
 * docker-compose.yml as Compose itself resolves it (`docker-compose config`): anchors merged,
 * variables substituted, paths absolute. Debian's docker-compose 1.29 and Compose v2 print ports
 * in different shapes; both are read here.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { parse as parseYaml } from 'yaml';

const run = promisify(execFile);

export const ROOT = path.resolve(__dirname, '../..');
export const COMPOSE_FILE = path.join(ROOT, 'docker-compose.yml');
/** Any value of the right shape: the file must take the token from outside, never carry one. */
export const TEST_API_TOKEN = 'compose-config-test-token';

export class ComposeUnavailableError extends Error {
  override readonly name = 'ComposeUnavailableError';
}

export interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string[] | string;
  entrypoint?: string[] | string;
  environment?: Record<string, string | number | null>;
  ports?: (string | { target: number; published?: string | number; host_ip?: string })[];
  volumes?: (string | { type: string; source?: string; target: string })[];
  depends_on?: Record<string, { condition: string }> | string[];
  healthcheck?: { test: string[] | string };
  network_mode?: string;
  restart?: string;
  user?: string;
}

export interface ComposeModel {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

export interface ComposeRun {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `docker-compose <args>` on the project's file with only the variables given here (plus
 * PATH and HOME), and an empty env file, so neither the caller's shell nor a local .env changes
 * the result.
 */
export async function dockerCompose(args: string[], variables: Record<string, string> = {}): Promise<ComposeRun> {
  const scratch = await mkdtemp(path.join(tmpdir(), 'compose-test-'));
  const envFile = path.join(scratch, 'empty.env');
  await writeFile(envFile, '');
  try {
    const { stdout, stderr } = await run('docker-compose', ['--file', COMPOSE_FILE, '--env-file', envFile, ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME ?? scratch, ...variables },
      maxBuffer: 16 * 1024 * 1024,
    });
    return { exitCode: 0, stdout, stderr };
  } catch (error) {
    const failure = error as NodeJS.ErrnoException & { code?: unknown; stdout?: string; stderr?: string };
    if (failure.code === 'ENOENT') {
      throw new ComposeUnavailableError(
        'docker-compose is not installed. On Debian or Ubuntu: apt-get install docker-compose ' +
          '(.ci/run installs it); the compose file is validated with it in npm test.',
      );
    }
    if (typeof failure.code !== 'number') throw error;
    return { exitCode: failure.code, stdout: failure.stdout ?? '', stderr: failure.stderr ?? '' };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

export async function resolvedCompose(): Promise<ComposeModel> {
  const result = await dockerCompose(['config'], { API_TOKEN: TEST_API_TOKEN });
  if (result.exitCode !== 0) throw new Error(`docker-compose config failed:\n${result.stderr}`);
  return parseYaml(result.stdout) as ComposeModel;
}

export interface PublishedPort {
  hostIp?: string;
  published: number;
  target: number;
}

export function publishedPorts(service: ComposeService): PublishedPort[] {
  return (service.ports ?? []).map((port) => {
    if (typeof port !== 'string') {
      return { hostIp: port.host_ip, published: Number(port.published), target: Number(port.target) };
    }
    // 1.29: "127.0.0.1:3000:3000/tcp"
    const parts = port.replace(/\/\w+$/, '').split(':');
    const target = Number(parts.pop());
    const published = Number(parts.pop());
    return { hostIp: parts.pop(), published, target };
  });
}

export function commandOf(service: ComposeService): string[] {
  const command = service.command ?? [];
  return typeof command === 'string' ? command.split(/\s+/) : command;
}

export function dependencies(service: ComposeService): Record<string, string> {
  const dependsOn = service.depends_on ?? {};
  if (Array.isArray(dependsOn)) return Object.fromEntries(dependsOn.map((name) => [name, 'service_started']));
  return Object.fromEntries(Object.entries(dependsOn).map(([name, { condition }]) => [name, condition]));
}

/** "host:container[:ro]" or the long form, as [source, target]. */
export function bindMounts(service: ComposeService): { source: string; target: string }[] {
  return (service.volumes ?? []).flatMap((volume) => {
    if (typeof volume !== 'string') return volume.type === 'bind' && volume.source ? [{ source: volume.source, target: volume.target }] : [];
    const [source = '', target = ''] = volume.split(':');
    return path.isAbsolute(source) ? [{ source, target }] : [];
  });
}
