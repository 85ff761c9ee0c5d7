/**
 * The soak venue: `hung` PJLink projectors that accept and never answer (the old system's
 * killer), one device of every other fault mode on every protocol that can show it, and the
 * rest healthy, spread over all drivers. Every machine is wanted on; half of the healthy ones
 * start off, so the first ticks send commands.
 */
import type { DriverTimeouts } from '../../activities/drivers/shared/spec';
import type { DeviceKind, Fault } from '../../simulator';
import { DEVICE_KINDS, type BenchDevice } from '../../harness/venue-files';

export type MachineRole = 'healthy' | 'hung' | FaultName;

export type FaultName = 'refuse' | 'reset-mid-reply' | 'garbage' | 'slow-under-deadline' | 'slow-over-deadline' | 'endless' | 'flapping';

export interface SoakMachine extends BenchDevice {
  role: MachineRole;
}

export interface SoakVenueOptions {
  machines: number;
  hung: number;
  timeouts: DriverTimeouts;
  tickMs: number;
}

/** Margin of the slow faults around the response deadline: "just" under and "just" over. */
export const SLOW_MARGIN_MS = 250;
/** Warm-up, cool-down, boot and shutdown of healthy devices: a fraction of a tick. */
const TRANSITION_MS = 500;

/** Reply faults on the protocols that have replies; a PC's Wake-on-LAN probe only connects. */
const REPLY_FAULTS: FaultName[] = ['reset-mid-reply', 'garbage', 'slow-under-deadline', 'slow-over-deadline', 'endless'];
const REACHABILITY_FAULTS: FaultName[] = ['refuse', 'flapping'];
const REPLY_KINDS: DeviceKind[] = ['pjlink', 'http', 'tcp'];

export class SoakVenueError extends Error {
  override readonly name = 'SoakVenueError';
}

export function faultyMachineCount(): number {
  return REPLY_FAULTS.length * REPLY_KINDS.length + REACHABILITY_FAULTS.length * DEVICE_KINDS.length;
}

export function soakMachines(options: SoakVenueOptions): SoakMachine[] {
  const faulty: { role: FaultName; kind: DeviceKind }[] = [
    ...REACHABILITY_FAULTS.flatMap((role) => DEVICE_KINDS.map((kind) => ({ role, kind }))),
    ...REPLY_FAULTS.flatMap((role) => REPLY_KINDS.map((kind) => ({ role, kind }))),
  ];
  const healthyCount = options.machines - options.hung - faulty.length;
  if (healthyCount < 1) {
    throw new SoakVenueError(
      `--machines ${options.machines} leaves no healthy machine: ${options.hung} hung and ${faulty.length} with other faults need at least ${options.hung + faulty.length + 1}`,
    );
  }
  const machines: SoakMachine[] = [];
  for (let n = 1; n <= options.hung; n++) {
    machines.push({ id: `hung-${pad(n)}`, kind: 'pjlink', role: 'hung', initialPower: 'on', transitionMs: TRANSITION_MS, fault: { mode: 'hang' } });
  }
  for (const { role, kind } of faulty) {
    machines.push({ id: `${role}-${kind}`, kind, role, initialPower: 'on', transitionMs: TRANSITION_MS, fault: faultFor(role, options) });
  }
  for (let n = 1; n <= healthyCount; n++) {
    const kind = DEVICE_KINDS[(n - 1) % DEVICE_KINDS.length]!;
    machines.push({ id: `ok-${kind}-${pad(n)}`, kind, role: 'healthy', initialPower: n % 2 === 0 ? 'off' : 'on', transitionMs: TRANSITION_MS });
  }
  return machines;
}

function faultFor(role: FaultName, options: SoakVenueOptions): Fault {
  switch (role) {
    case 'refuse':
    case 'reset-mid-reply':
    case 'garbage':
    case 'endless':
      return { mode: role };
    case 'slow-under-deadline':
      return { mode: 'slow', delayMs: options.timeouts.responseMs - SLOW_MARGIN_MS };
    case 'slow-over-deadline':
      return { mode: 'slow', delayMs: options.timeouts.responseMs + SLOW_MARGIN_MS };
    case 'flapping':
      // Not a multiple of the tick, so the machine meets both phases at its slot.
      return { mode: 'flapping', periodMs: Math.round(options.tickMs * 1.7) };
  }
}

function pad(n: number): string {
  return String(n).padStart(3, '0');
}
