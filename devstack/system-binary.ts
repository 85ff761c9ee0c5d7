/** Programs from the system's packages that the local stack runs when they are installed (Prometheus, Alertmanager). */
import { spawnSync } from 'node:child_process';

/** Official release builds and Debian's packages name Alertmanager differently. */
export const ALERTMANAGER_BINARIES = ['alertmanager', 'prometheus-alertmanager'] as const;
export const PROMETHEUS_BINARIES = ['prometheus'] as const;
export const INSTALL_HINT = 'apt-get install prometheus prometheus-alertmanager (Debian/Ubuntu), or put the official release binaries on the PATH';

/** The first of `names` on the PATH that runs, or undefined. */
export function findBinary(names: readonly string[]): string | undefined {
  return names.find((name) => {
    const probe = spawnSync(name, ['--version'], { stdio: 'ignore' });
    return !probe.error && probe.status === 0;
  });
}
