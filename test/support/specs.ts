import type { DriverSpec } from '../../activities/drivers/specs';
import type { MachineSchedule, MachineSpec, Weekday } from '../../domain/types';

const WEEKDAYS: Weekday[] = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];

function everyDay(windows: string[]): MachineSchedule['weekly'] {
  return Object.fromEntries(WEEKDAYS.map((day) => [day, windows])) as MachineSchedule['weekly'];
}

export function schedule(windows: string[], timezone = 'UTC'): MachineSchedule {
  return { timezone, name: 'test', weekly: everyDay(windows), exceptions: [], leadMs: 0, lagMs: 0 };
}

/** The schedule wants the machine on all day, every day. */
export const ALWAYS_ON = schedule(['00:00-24:00']);
/** The schedule wants the machine off all day, every day. */
export const ALWAYS_OFF = schedule([]);

export const FAST_TIMEOUTS = { connectMs: 500, responseMs: 500 };

export function pjlinkDriver(port: number, password?: string): DriverSpec {
  return {
    type: 'pjlink',
    host: '127.0.0.1',
    port,
    timeouts: FAST_TIMEOUTS,
    ...(password ? { password: { secret: password } } : {}),
  };
}

export function machine(id: string, driver: DriverSpec, overrides: Partial<MachineSpec> = {}): MachineSpec {
  return {
    id,
    name: `Test machine ${id}`,
    group: 'test',
    address: '127.0.0.1',
    driver,
    schedule: ALWAYS_ON,
    tickMs: 1000,
    failingAfter: 2,
    ...overrides,
  };
}
