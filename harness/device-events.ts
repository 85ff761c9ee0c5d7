/**
 * The simulator's event log (`simulator/cli.ts --event-log`) read back: what each device saw,
 * which is the honest record of when a check really reached a device and how long it held a socket.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { DeviceEvent } from '../simulator';

export interface DeviceConnection {
  device: string;
  openedAt: number;
  /** Undefined when the log ends before the connection closed. */
  closedAt?: number;
}

export interface DeviceCommand {
  device: string;
  at: number;
  command: string;
}

export interface DeviceActivity {
  /** By device id, in order of opening. */
  connections: Map<string, DeviceConnection[]>;
  /** By device id, in order. */
  commands: Map<string, DeviceCommand[]>;
}

export async function readDeviceEvents(file: string): Promise<DeviceEvent[]> {
  const events: DeviceEvent[] = [];
  const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  for await (const line of lines) {
    // The last line may be cut short when the simulator was killed.
    if (line.trim() === '') continue;
    try {
      events.push(JSON.parse(line) as DeviceEvent);
    } catch {
      continue;
    }
  }
  return events;
}

export function deviceActivityOf(events: Iterable<DeviceEvent>): DeviceActivity {
  const connections = new Map<string, DeviceConnection[]>();
  const commands = new Map<string, DeviceCommand[]>();
  const open = new Map<string, DeviceConnection>();
  for (const event of events) {
    if (event.type === 'command') {
      listOf(commands, event.device).push({ device: event.device, at: event.at, command: event.command });
    } else if (event.type === 'connected') {
      const connection: DeviceConnection = { device: event.device, openedAt: event.at };
      open.set(`${event.device}#${event.connection}`, connection);
      listOf(connections, event.device).push(connection);
    } else {
      const connection = open.get(`${event.device}#${event.connection}`);
      if (connection) connection.closedAt = event.at;
    }
  }
  return { connections, commands };
}

function listOf<T>(map: Map<string, T[]>, key: string): T[] {
  let list = map.get(key);
  if (!list) map.set(key, (list = []));
  return list;
}
