import { createWriteStream, type WriteStream } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadSimulatorConfig, SimulatorConfigError } from './config';
import { startSimulator, type DeviceEvent, type Simulator } from './index';

const USAGE = 'usage: tsx simulator/cli.ts --config <file.yaml> [--json] [--event-log <file.jsonl>]';

async function main(): Promise<void> {
  let options: { config?: string; json: boolean; 'event-log'?: string };
  try {
    ({ values: options } = parseArgs({
      options: { config: { type: 'string' }, json: { type: 'boolean', default: false }, 'event-log': { type: 'string' } },
      strict: true,
    }));
  } catch (error) {
    return fail(`${(error as Error).message}\n${USAGE}`, 2);
  }
  if (!options.config) return fail(USAGE, 2);

  const eventLog = options['event-log'] === undefined ? undefined : createWriteStream(options['event-log'], { flags: 'w' });
  let simulator: Simulator;
  try {
    simulator = await startSimulator(loadSimulatorConfig(options.config), { onEvent: eventLog && writeEventTo(eventLog) });
  } catch (error) {
    eventLog?.end();
    const message = error instanceof SimulatorConfigError ? error.message : `simulator failed to start: ${(error as Error).message}`;
    return fail(message, 1);
  }

  for (const { id, kind, host, port, wolPort } of simulator.devices) {
    const wol = wolPort === undefined ? '' : ` udp:${host}:${wolPort}`;
    console.log(`${id} ${kind} ${host}:${port}${wol}`);
  }
  if (options.json) {
    const devices = simulator.devices.map(({ id, kind, host, port, wolPort }) => ({ id, kind, host, port, wolPort }));
    console.log(JSON.stringify({ devices }));
  }

  const shutDown = (signal: NodeJS.Signals) => {
    process.off('SIGINT', shutDown);
    process.off('SIGTERM', shutDown);
    // Nothing else holds the event loop: once every socket is closed the process exits by itself.
    // The event log closes last, so it also holds the disconnections that stopping causes.
    void simulator.stop().then(() => {
      eventLog?.end();
      console.error(`simulator stopped (${signal})`);
    });
  };
  process.on('SIGINT', shutDown);
  process.on('SIGTERM', shutDown);
}

/** One JSON object per line: `{"at":…,"device":"proj","type":"connected","connection":3}`. */
function writeEventTo(log: WriteStream): (event: DeviceEvent) => void {
  log.on('error', (error) => console.error(`event log: ${error.message}`));
  return (event) => void log.write(`${JSON.stringify(event)}\n`);
}

function fail(message: string, exitCode: number): void {
  console.error(message);
  process.exitCode = exitCode;
}

void main();
