import type { MachineTarget } from '../../domain/types';
import { httpDriver } from './http';
import { pjlinkDriver } from './pjlink';
import { tcpLineDriver } from './tcp-line';
import type { PowerDriver } from './types';
import { wolDriver } from './wol';

export type { DriverCall, PowerDriver, PowerReading, SecretResolver } from './types';

export function driverFor(target: MachineTarget): PowerDriver {
  switch (target.driver.type) {
    case 'pjlink':
      return pjlinkDriver;
    case 'http':
      return httpDriver;
    case 'tcp':
      return tcpLineDriver;
    case 'wol':
      return wolDriver;
  }
}
