import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { deviceActivityOf, readDeviceEvents } from '../../harness/device-events';
import { startSimulatorProcess, type SimulatorProcess } from '../../harness/processes';
import { toYaml } from '../../harness/venue-files';

let dir: string | undefined;
let simulator: SimulatorProcess | undefined;

afterEach(async () => {
  await simulator?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
  simulator = undefined;
  dir = undefined;
});

/** Sends one line to a CRLF device, waits for its reply line, closes. */
function exchangeLine(port: number, line: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    let received = '';
    socket.on('error', reject);
    socket.on('connect', () => socket.write(`${line}\r\n`));
    socket.on('data', (chunk) => {
      received += chunk.toString('utf8');
      if (received.endsWith('\r\n')) {
        socket.destroy();
        resolve(received.trim());
      }
    });
  });
}

describe('simulator CLI --event-log', () => {
  it('when a client connects, sends a command and leaves, then the log holds the connection, the command and the close, in order and in time', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'showctl-event-log-'));
    const configFile = path.join(dir, 'devices.yaml');
    const eventLogFile = path.join(dir, 'events.jsonl');
    await writeFile(configFile, toYaml({ devices: [{ id: 'amp', kind: 'tcp', initialPower: 'off' }, { id: 'quiet', kind: 'tcp' }] }));
    simulator = await startSimulatorProcess({ configFile, eventLogFile });
    const amp = simulator.devices.find((device) => device.id === 'amp')!;

    const before = Date.now();
    expect(await exchangeLine(amp.port, 'POWER ON')).toBe('OK');
    expect(await exchangeLine(amp.port, 'POWER?')).toBe('POWER ON');
    await simulator.stop();
    const after = Date.now();

    const events = await readDeviceEvents(eventLogFile);
    const described = events.map((event) => (event.type === 'command' ? `${event.device} ${event.command}` : `${event.device} ${event.type} #${event.connection}`));
    // The first close may be seen after the second connection opened: the client does not wait for it.
    expect(described.slice(0, 2)).toEqual(['amp connected #1', 'amp POWER ON']);
    expect([...described].sort()).toEqual(['amp POWER ON', 'amp connected #1', 'amp connected #2', 'amp disconnected #1', 'amp disconnected #2']);
    expect(described.indexOf('amp disconnected #1')).toBeGreaterThan(described.indexOf('amp POWER ON'));
    expect(described.indexOf('amp disconnected #2')).toBeGreaterThan(described.indexOf('amp connected #2'));
    expect(events.every((event) => event.at >= before && event.at <= after)).toBe(true);
    const activity = deviceActivityOf(events);
    expect(activity.commands.get('amp')?.map(({ command }) => command)).toEqual(['POWER ON']);
    expect(activity.connections.get('amp')).toHaveLength(2);
    expect(activity.connections.get('amp')!.every(({ openedAt, closedAt }) => closedAt !== undefined && closedAt >= openedAt)).toBe(true);
    expect(activity.connections.has('quiet')).toBe(false);
  });
});
