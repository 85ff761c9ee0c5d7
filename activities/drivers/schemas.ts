/** The `driver:` block of a machine in the venue file, one shape per family by its `type`: one line per family. */
import { z } from 'zod';
import { httpSchema } from './http/schema';
import { pduSchema } from './pdu/schema';
import { pjlinkSchema } from './pjlink/schema';
import type { DriverSchema } from './shared/schema';
import { snmpSchema } from './snmp/schema';
import type { DriverSpec, DriverSpecOf, DriverType } from './specs';
import { tcpSchema } from './tcp/schema';
import { wolSchema } from './wol/schema';

const schemas = {
  pjlink: pjlinkSchema,
  http: httpSchema,
  tcp: tcpSchema,
  wol: wolSchema,
  pdu: pduSchema,
  snmp: snmpSchema,
} satisfies { [T in DriverType]: DriverSchema<z.ZodType<{ type: T }>, DriverSpecOf<T>> };

type Entry = (typeof schemas)[DriverType]['entry'];

export const driverSchema = z.discriminatedUnion('type', Object.values(schemas).map((schema) => schema.entry) as [Entry, ...Entry[]]);

export type DriverEntry = z.output<typeof driverSchema>;

/** The parsed block as its family's spec, every default applied; `host` is the machine's address. */
export function toDriverSpec(entry: DriverEntry, host: string): DriverSpec {
  return (schemas[entry.type] as DriverSchema<z.ZodType<DriverEntry>, DriverSpec>).toSpec(entry, host);
}
