import { parseArgs } from 'node:util';
import { loadSimulatorConfig, SimulatorConfigError } from './config';
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
  try {
    simulator = await startSimulator(loadSimulatorConfig(options.config));
  } catch (error) {
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
