import { parseArgs } from 'node:util';
import { loadSimulatorConfigFile, SimulatorConfigError } from './config';
import { startSimulator, type Simulator } from './index';

const USAGE = 'usage: tsx simulator/cli.ts --config <file.yaml> [--json]';

async function main(): Promise<void> {
  let options: { config?: string; json: boolean };
  try {
    ({ values: options } = parseArgs({
      options: { config: { type: 'string' }, json: { type: 'boolean', default: false } },
      strict: true,
    }));
  } catch (error) {
    return fail(`${(error as Error).message}\n${USAGE}`, 2);
  }
  if (!options.config) return fail(USAGE, 2);

  let simulator: Simulator;
  let host: string;
  try {
    const config = await loadSimulatorConfigFile(options.config);
    host = config.host;
    simulator = await startSimulator(config);
  } catch (error) {
    const message = error instanceof SimulatorConfigError ? error.message : `simulator failed to start: ${(error as Error).message}`;
    return fail(message, 1);
  }

  for (const device of simulator.devices) {
    const wol = device.wolPort === undefined ? '' : ` udp:${host}:${device.wolPort}`;
    console.log(`${device.id} ${device.kind} ${host}:${device.port}${wol}`);
  }
  if (options.json) {
    const devices = simulator.devices.map(({ id, kind, port, wolPort }) => ({ id, kind, host, port, wolPort }));
    console.log(JSON.stringify({ devices }));
  }

  const shutDown = (signal: NodeJS.Signals) => {
    process.off('SIGINT', shutDown);
    process.off('SIGTERM', shutDown);
    // Nothing else holds the event loop: once every socket is closed the process exits by itself.
    void simulator.stop().then(() => console.error(`simulator stopped (${signal})`));
  };
  process.on('SIGINT', shutDown);
  process.on('SIGTERM', shutDown);
}

function fail(message: string, exitCode: number): void {
  console.error(message);
  process.exitCode = exitCode;
}

void main();
