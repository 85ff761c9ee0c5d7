import { describe, expect, it } from 'vitest';
import { driverFor } from '../../activities/drivers';
import { driverSchema } from '../../activities/drivers/schemas';
import { DRIVER_TYPES, driverLabel, type DriverSpec } from '../../activities/drivers/specs';
import { target } from './support';

describe('driver registries', () => {
  it('then every family is listed once, by its venue-file type, with a client, a schema and the label activity summaries show', () => {
    expect(DRIVER_TYPES).toEqual(['pjlink', 'http', 'tcp', 'wol', 'pdu', 'snmp']);
    expect(driverSchema.options).toHaveLength(DRIVER_TYPES.length);
    const machines = DRIVER_TYPES.map((type) => target(type, { type } as DriverSpec));
    expect(machines.map((machine) => typeof driverFor(machine).probe)).toEqual(DRIVER_TYPES.map(() => 'function'));
    expect(machines.map((machine) => driverLabel(machine.driver))).toEqual(['PJLink', 'HTTP', 'TCP', 'Wake-on-LAN', 'SNMP PDU', 'SNMP']);
  });
});
