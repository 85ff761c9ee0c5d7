import { APC_OUTLET_OBJECTS, type PduDriverSpec, type PduOutletSpec } from '../../activities/drivers/pdu/spec';
import type { DriverSpec } from '../../activities/drivers/specs';
import type { TcpLineDriverSpec } from '../../activities/drivers/tcp/spec';
import type { MachineDependencies } from '../../domain/dependencies';
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

/** The line protocol of the simulated `tcp` kind: `POWER?`, `POWER ON`, `POWER OFF`. */
export function lineDriver(port: number): TcpLineDriverSpec {
  return {
    type: 'tcp',
    host: '127.0.0.1',
    port,
    sendTerminator: '\r\n',
    receiveTerminator: '\r\n',
    timeouts: FAST_TIMEOUTS,
    maxResponseBytes: 4096,
    probe: { send: 'POWER?', states: { on: ['^POWER ON$'], off: ['^POWER OFF$'] } },
    on: { send: 'POWER ON', expect: '^OK$' },
    off: { send: 'POWER OFF', expect: '^OK$' },
  };
}

/** A simulated PDU on loopback: the PDU as a whole without `outlet`, one of its outlets with. */
export function pduDriver(port: number, communitySecret: string): PduDriverSpec;
export function pduDriver(port: number, communitySecret: string, outlet: number): PduOutletSpec;
export function pduDriver(port: number, communitySecret: string, outlet?: number): PduDriverSpec {
  return {
    type: 'pdu',
    host: '127.0.0.1',
    port,
    ...(outlet !== undefined && { outlet }),
    access: { version: '2c', community: { secret: communitySecret } },
    objects: APC_OUTLET_OBJECTS,
    timeouts: { responseMs: 300 },
  };
}

export function dependencies(needs: string[], neededBy: string[], settings: Partial<MachineDependencies> = {}): MachineDependencies {
  return { needs, neededBy, waitMs: 60_000, onTimeout: 'proceed', recheckMs: 300, ...settings };
}
