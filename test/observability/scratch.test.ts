import { it } from 'vitest';
import { startSimulator } from '../../simulator';
import { machine, pjlinkDriver, ALWAYS_ON } from '../support/specs';
import { startMetricsWorker } from './metrics-worker';
import { writeFileSync } from 'node:fs';

it('scratch', async () => {
  const sim = await startSimulator({ devices: [
    { id: 'ok', kind: 'pjlink', initialPower: 'on' },
    { id: 'off', kind: 'pjlink', initialPower: 'off', warmupMs: 100 },
    { id: 'hung', kind: 'pjlink', fault: { mode: 'hang' } },
  ] });
  const w = await startMetricsWorker();
  for (const id of ['ok', 'off', 'hung']) await w.startMachine(machine(id, pjlinkDriver(sim.device(id).port), { schedule: ALWAYS_ON }));
  await new Promise((r) => setTimeout(r, 8000));
  const text = await (await fetch(w.metricsUrl)).text();
  writeFileSync('/tmp/obs-scrape.txt', text);
  await w.stop();
  await sim.stop();
});
