import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadSimulatorConfig } from '../../simulator/config';
import { SimulatorConfigError, startSimulator, UnknownDeviceError, type SimulatorConfig } from '../../simulator/index';
import { Peer, cleanUp, connectOutcome, eventually, pause, startDevices } from './helpers';

const CRLF = '\r\n';
/** Listeners and sockets; unref'd timers are not listed by getActiveResourcesInfo, so they are checked by behaviour. */
const HANDLE_TYPES = ['TCPServerWrap', 'TCPSocketWrap', 'UDPWrap'];

afterEach(cleanUp);

function handleCounts(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const type of process.getActiveResourcesInfo()) if (HANDLE_TYPES.includes(type)) counts[type] = (counts[type] ?? 0) + 1;
  return counts;
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/** Handles closed by an earlier test can linger for a tick; wait until the counts hold still. */
async function settledHandleCounts(): Promise<Record<string, number>> {
  let previous = handleCounts();
  for (;;) {
    await pause(30);
    const current = handleCounts();
    if (JSON.stringify(current) === JSON.stringify(previous)) return current;
    previous = current;
  }
}

const everyKind: SimulatorConfig = {
  devices: [
    { id: 'proj', kind: 'pjlink', warmupMs: 300 },
    { id: 'player', kind: 'http', bootMs: 5_000 },
    { id: 'amp', kind: 'tcp', banner: 'AMP ready', fault: { mode: 'hang' } },
    { id: 'pc', kind: 'wol', mac: 'aa:bb:cc:dd:ee:ff', initialPower: 'on', shutdownMs: 5_000 },
    { id: 'flappy', kind: 'tcp', fault: { mode: 'flapping', periodMs: 20 } },
    { id: 'stream', kind: 'tcp', fault: { mode: 'endless' } },
  ],
};

describe('simulator lifecycle', () => {
  it('when stopped with clients connected and transitions pending, then no listener or socket is left, no transition completes, and stop is idempotent', async () => {
    const before = await settledHandleCounts();
    const simulator = await startSimulator(everyKind);
    const peers = await Promise.all(['proj', 'player', 'amp', 'pc', 'stream'].map((id) => Peer.connect(simulator.device(id).port)));
    const [projector, , , , stream] = peers;
    stream!.send(`POWER?${CRLF}`);
    await fetch(`http://127.0.0.1:${simulator.device('player').port}/api/v1/power`, { method: 'PUT', body: '{"power":"on"}' });
    await fetch(`http://127.0.0.1:${simulator.device('pc').port}/shutdown`, { method: 'POST' });
    await projector!.nextLine('\r');
    expect(await projector!.ask('%1POWR 1', '\r')).toBe('%1POWR=OK');

    await simulator.stop();
    await simulator.stop();

    for (const device of simulator.devices) {
      expect(device.openConnections).toBe(0);
      expect(await connectOutcome(device.port)).toBe('ECONNREFUSED');
    }
    await Promise.all(peers.map((peer) => peer.waitForClose()));
    const wolPortFree = createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      wolPortFree.once('error', reject);
      wolPortFree.bind(simulator.device('pc').wolPort, '127.0.0.1', resolve);
    });
    await new Promise<void>((resolve) => wolPortFree.close(() => resolve()));
    await eventually(() => expect(handleCounts()).toEqual(before));
    await pause(400);
    expect(simulator.device('proj').power).toBe('warming');
  });

  it('when an id is unknown, or of another kind than asked for, then device() throws UnknownDeviceError', async () => {
    const simulator = await startDevices([{ id: 'amp', kind: 'tcp' }]);
    expect(simulator.device('amp').kind).toBe('tcp');
    expect(simulator.device('amp', 'tcp').volume).toBe(50);
    expect(() => simulator.device('nope')).toThrow(UnknownDeviceError);
    expect(() => simulator.device('amp', 'pjlink')).toThrow('simulated device "amp" is tcp, not pjlink');
  });

  it('when a device asks for a fixed port, then it gets exactly that port', async () => {
    const port = await freePort();
    const simulator = await startDevices([{ id: 'amp', kind: 'tcp', port }]);
    expect(simulator.device('amp').port).toBe(port);
  });

  it('when devices set their own loopback addresses, then each listens on its own and they may share a port', async () => {
    const port = await freePort();
    const simulator = await startDevices([
      { id: 'amp-a', kind: 'tcp', host: '127.0.0.2', port, banner: 'A' },
      { id: 'amp-b', kind: 'tcp', host: '127.0.0.3', port, banner: 'B' },
      { id: 'pc', kind: 'wol', host: '127.0.0.4', port, mac: 'aa:bb:cc:dd:ee:ff', initialPower: 'on' },
    ]);
    expect(simulator.devices.map((d) => `${d.host}:${d.port}`)).toEqual([`127.0.0.2:${port}`, `127.0.0.3:${port}`, `127.0.0.4:${port}`]);
    expect(await (await Peer.connect(port, '127.0.0.2')).nextLine(CRLF)).toBe('A');
    expect(await (await Peer.connect(port, '127.0.0.3')).nextLine(CRLF)).toBe('B');
    expect(await connectOutcome(port, '127.0.0.1')).toBe('ECONNREFUSED');
  });

  it('when two devices ask for the same address and port, then the config is rejected', async () => {
    const error = await startSimulator({
      devices: [
        { id: 'a', kind: 'tcp', port: 4000 },
        { id: 'b', kind: 'tcp', host: '127.0.0.1', port: 4000 },
      ],
    }).catch((e: unknown) => e);
    expect((error as SimulatorConfigError).problems).toEqual([{ path: 'devices[1].port', message: '4000 is already used by devices[0]' }]);
  });

  it('when a port is taken, then startSimulator rejects and leaves nothing running', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const takenPort = (blocker.address() as { port: number }).port;
    const before = await settledHandleCounts();
    try {
      await expect(
        startSimulator({ devices: [{ id: 'ok', kind: 'tcp' }, { id: 'clash', kind: 'tcp', port: takenPort }] }),
      ).rejects.toMatchObject({ code: 'EADDRINUSE' });
      await eventually(() => expect(handleCounts()).toEqual(before));
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });

  it('when the config is invalid, then startSimulator rejects with every problem and its path', async () => {
    const error = await startSimulator({
      devices: [
        { id: 'amp', kind: 'tcp' },
        { id: 'amp', kind: 'tcp', port: 70_000 },
        { id: 'pc', kind: 'wol', mac: 'not-a-mac', colour: 'red' } as never,
        { id: 'player', kind: 'http', fault: { mode: 'auth-lockout', afterFailures: 3 } },
      ],
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SimulatorConfigError);
    const paths = (error as SimulatorConfigError).problems.map((p) => p.path);
    expect(paths).toEqual(expect.arrayContaining(['devices[1].port', 'devices[2].mac', 'devices[2].colour', 'devices[3].fault.mode']));
  });

  it('when two devices share an id, then the config is rejected naming the second', async () => {
    const error = await startSimulator({ devices: [{ id: 'amp', kind: 'tcp' }, { id: 'amp', kind: 'pjlink' }] }).catch((e: unknown) => e);
    expect((error as SimulatorConfigError).problems).toEqual([{ path: 'devices[1].id', message: 'amp is already used by devices[0]' }]);
  });
});

describe('simulator config files and CLI', () => {
  let directory: string | undefined;
  afterEach(async () => {
    if (directory) await rm(directory, { recursive: true, force: true });
  });

  async function configFile(yaml: string): Promise<string> {
    directory = await mkdtemp(join(tmpdir(), 'simulator-cli-'));
    const file = join(directory, 'devices.yaml');
    await writeFile(file, yaml);
    return file;
  }

  function runCli(args: string[]) {
    const child = spawn(process.execPath, ['--import', 'tsx', 'simulator/cli.ts', ...args], { cwd: join(__dirname, '../..') });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    return { child, exited, output: () => ({ stdout, stderr }) };
  }

  it('when started with a config, then it prints each device and a JSON line, serves them, and exits cleanly on SIGINT', async () => {
    const file = await configFile(
      ['devices:', '  - { id: amp, kind: tcp, banner: AMP ready }', '  - { id: pc, kind: wol, mac: "aa:bb:cc:dd:ee:ff" }'].join('\n'),
    );
    const cli = runCli(['--config', file, '--json']);
    try {
      await eventually(() => expect(cli.output().stdout.split('\n').length).toBeGreaterThanOrEqual(4), 15_000);
      const [ampLine, pcLine, jsonLine] = cli.output().stdout.split('\n');
      expect(ampLine).toMatch(/^amp tcp 127\.0\.0\.1:\d+$/);
      expect(pcLine).toMatch(/^pc wol 127\.0\.0\.1:\d+ udp:127\.0\.0\.1:\d+$/);
      const listed = JSON.parse(jsonLine!) as { devices: { id: string; port: number; wolPort?: number }[] };
      expect(listed.devices.map((d) => d.id)).toEqual(['amp', 'pc']);
      const peer = await Peer.connect(listed.devices[0]!.port);
      expect(await peer.nextLine(CRLF)).toBe('AMP ready');

      cli.child.kill('SIGINT');
      expect(await cli.exited).toBe(0);
      await peer.waitForClose();
    } finally {
      cli.child.kill('SIGKILL');
    }
  }, 20_000);

  it('when the config file references environment variables, then they are substituted and defaults apply', async () => {
    const file = await configFile(['devices:', '  - { id: amp, kind: tcp, port: ${AMP_PORT}, banner: "${BANNER:-hello}" }'].join('\n'));
    const config = loadSimulatorConfig(file, { AMP_PORT: '4100' });
    expect(config.devices[0]).toMatchObject({ port: 4100, banner: 'hello' });
  });

  it('when a referenced environment variable is missing, then loading names the file and the line', async () => {
    const file = await configFile(['devices:', '  - { id: amp, kind: tcp, port: ${AMP_PORT} }'].join('\n'));
    expect(() => loadSimulatorConfig(file, {})).toThrow(`${file}: line 2: \${AMP_PORT}: environment variable AMP_PORT is not set`);
  });

  it('when the config is invalid, then it exits 1 naming the file, the path and the problem', async () => {
    const file = await configFile(['devices:', '  - { id: amp, kind: tcp }', '  - { id: amp2, kind: tcp, port: -1 }'].join('\n'));
    const cli = runCli(['--config', file]);
    expect(await cli.exited).toBe(1);
    expect(cli.output().stderr).toMatch(new RegExp(`${file.replaceAll('\\', '\\\\')}: devices\\[1\\]\\.port: .+`));
  }, 20_000);
});
