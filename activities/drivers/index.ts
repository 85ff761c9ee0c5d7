/** The driver families' clients by their venue-file `type`: one line per family. */
import type { MachineTarget } from '../../domain/types';
import { httpDriver } from './http/client';
import { pduDriver } from './pdu/client';
import { pjlinkDriver } from './pjlink/client';
import type { DeviceDriver } from './shared/client';
import { snmpDriver } from './snmp/client';
import type { DriverType } from './specs';
import { tcpDriver } from './tcp/client';
import { wolDriver } from './wol/client';

export type { DriverCall, DeviceDriver, PowerReading } from './shared/client';
/** A PDU outlet's power cycle: not a DeviceDriver call, since only a pdu machine with an outlet has one. */
export { cycleOutlet } from './pdu/client';

const drivers = {
  pjlink: pjlinkDriver,
  http: httpDriver,
  tcp: tcpDriver,
  wol: wolDriver,
  pdu: pduDriver,
  snmp: snmpDriver,
} satisfies Record<DriverType, DeviceDriver>;

export function driverFor(target: MachineTarget): DeviceDriver {
  return drivers[target.driver.type];
}
