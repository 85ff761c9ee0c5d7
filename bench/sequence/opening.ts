/**
 * The opening as the devices saw it: a device is on once it accepted `PUT power on` and booted
 * (the simulator's command log, plus the boot time the benchmark gave every device). A device
 * switched on before the device it needs was on is an order violation; one switched `wait` or
 * more after its first check is what `onTimeout: proceed` does once the wait is over, and is
 * counted apart.
 */
import type { DeviceCommand } from '../../harness/device-events';
import type { SequencePlan } from './venue';

/** The HTTP player records an accepted command as is, a rejected one with its status first. */
const ACCEPTED_POWER_ON = 'PUT power on';

export interface LevelOpening {
  level: string;
  machines: number;
  devicesOn: number;
  /** From the start of the inventory sync until the level's first and last device were on. */
  firstOnSeconds?: number;
  lastOnSeconds?: number;
}

export interface OrderViolation {
  device: string;
  switchedOnAtSeconds: number;
  needs: string;
  /** Undefined when the device it needs never came on. */
  neededOnAtSeconds?: number;
  /** Switched `wait` or more after its first check: the product gave up waiting, as configured. */
  afterWait: boolean;
}

/** When each machine's wait could have begun (its device's first connection after the sync), and how long it waits. */
export interface Waits {
  firstCheckAtMs: Map<string, number>;
  waitMs: number;
}

export interface OpeningFigures {
  complete: boolean;
  devicesOn: number;
  devices: number;
  /** From the start of the inventory sync until the last device was on. */
  seconds?: number;
  levels: LevelOpening[];
  orderViolations: number;
  /** Of those, the ones switched once the wait was over (`onTimeout: proceed`). */
  orderViolationsAfterWait: number;
  /** The first few, to look at. */
  violationSamples: OrderViolation[];
  powerOnCommands: number;
  /** Power commands a device refused (busy booting) or that were not `on`: none expected. */
  otherCommands: number;
}

const VIOLATION_SAMPLES = 10;

/** When each device was on: its first accepted power-on plus its boot time. */
export function onTimes(commands: readonly DeviceCommand[], bootMs: number): Map<string, number> {
  const on = new Map<string, number>();
  for (const { device, at, command } of commands) {
    if (command === ACCEPTED_POWER_ON && !on.has(device)) on.set(device, at + bootMs);
  }
  return on;
}

export function assessOpening(plan: SequencePlan, commands: readonly DeviceCommand[], bootMs: number, syncStartedAtMs: number, waits: Waits): OpeningFigures {
  const on = onTimes(commands, bootMs);
  const seconds = (atMs: number) => (atMs - syncStartedAtMs) / 1000;
  const levels = plan.levels.map((level): LevelOpening => {
    const times = level.ids.flatMap((id) => on.get(id) ?? []);
    return {
      level: level.name,
      machines: level.ids.length,
      devicesOn: times.length,
      ...(times.length > 0 && { firstOnSeconds: seconds(Math.min(...times)), lastOnSeconds: seconds(Math.max(...times)) }),
    };
  });
  const violations: OrderViolation[] = [];
  for (const [device, needs] of plan.needs) {
    const onAt = on.get(device);
    if (onAt === undefined) continue;
    const switchedAt = onAt - bootMs;
    const neededOnAt = on.get(needs);
    if (neededOnAt !== undefined && neededOnAt <= switchedAt) continue;
    const firstCheckAt = waits.firstCheckAtMs.get(device) ?? switchedAt;
    violations.push({
      device,
      switchedOnAtSeconds: seconds(switchedAt),
      needs,
      ...(neededOnAt !== undefined && { neededOnAtSeconds: seconds(neededOnAt) }),
      afterWait: switchedAt - firstCheckAt >= waits.waitMs,
    });
  }
  const devices = plan.levels.reduce((total, level) => total + level.ids.length, 0);
  const powerOnCommands = commands.filter((entry) => entry.command === ACCEPTED_POWER_ON).length;
  return {
    complete: on.size === devices,
    devicesOn: on.size,
    devices,
    ...(on.size === devices && { seconds: seconds(Math.max(...on.values())) }),
    levels,
    orderViolations: violations.length,
    orderViolationsAfterWait: violations.filter((violation) => violation.afterWait).length,
    violationSamples: violations.slice(0, VIOLATION_SAMPLES),
    powerOnCommands,
    otherCommands: commands.length - powerOnCommands,
  };
}
