/** The driver families' clients by their venue-file `type`: one line per family. */
import type { MachineTarget } from '../../domain/types';
import { httpDriver } from './http/client';
import { pjlinkDriver } from './pjlink/client';
import type { PowerDriver } from './shared/client';
import type { DriverType } from './specs';
import { tcpDriver } from './tcp/client';
import { wolDriver } from './wol/client';

export type { DriverCall, PowerDriver, PowerReading } from './shared/client';

const drivers = {
  pjlink: pjlinkDriver,
  http: httpDriver,
  tcp: tcpDriver,
  wol: wolDriver,
} satisfies Record<DriverType, PowerDriver>;

export function driverFor(target: MachineTarget): PowerDriver {
  return drivers[target.driver.type];
}
