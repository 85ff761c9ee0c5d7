/**
 * The driver families by their venue-file `type`, as workflow code may see them (lint keeps this
 * file and every family's spec.ts workflow-safe). A family is its spec in the DriverSpec union and
 * one line in the table here, and one line each in schemas.ts (the venue file) and index.ts (the
 * clients); docs/drivers.md.
 */
import type { AspectSpecs } from '../../domain/aspects';
import { httpFamily, type HttpDriverSpec } from './http/spec';
import { pduFamily, type PduDriverSpec } from './pdu/spec';
import { pjlinkFamily, type PjlinkDriverSpec } from './pjlink/spec';
import type { DriverFamilySpec, SecretRef } from './shared/spec';
import { snmpFamily, type SnmpDriverSpec } from './snmp/spec';
import { tcpFamily, type TcpLineDriverSpec } from './tcp/spec';
import { wolFamily, type WolDriverSpec } from './wol/spec';

export type DriverSpec = PjlinkDriverSpec | HttpDriverSpec | TcpLineDriverSpec | WolDriverSpec | PduDriverSpec | SnmpDriverSpec;
export type DriverType = DriverSpec['type'];
export type DriverSpecOf<T extends DriverType> = Extract<DriverSpec, { type: T }>;

const families = {
  pjlink: pjlinkFamily,
  http: httpFamily,
  tcp: tcpFamily,
  wol: wolFamily,
  pdu: pduFamily,
  snmp: snmpFamily,
} satisfies { [T in DriverType]: DriverFamilySpec<DriverSpecOf<T>> };

export const DRIVER_TYPES = Object.keys(families) as DriverType[];

function familyOf(driver: DriverSpec): DriverFamilySpec<DriverSpec> {
  return families[driver.type] as DriverFamilySpec<DriverSpec>;
}

/**
 * The longest one call of this driver may take when every step uses its full deadline: a command,
 * or a probe that also reads the named aspects.
 */
export function deviceCallDeadlineMs(driver: DriverSpec, aspectReads: readonly string[] = []): number {
  return familyOf(driver).deadlineMs(driver, aspectReads);
}

/** The aspects beside power the device has; empty for a family that has none. */
export function driverAspects(driver: DriverSpec): AspectSpecs {
  return familyOf(driver).aspects(driver);
}

/** The longest a telemetry read may take; undefined for a family that reads no telemetry. */
export function telemetryDeadlineMs(driver: DriverSpec): number | undefined {
  return familyOf(driver).telemetryDeadlineMs?.(driver);
}

/** Names the driver's family in activity summaries, e.g. `PJLink`. */
export function driverLabel(driver: DriverSpec): string {
  return familyOf(driver).label;
}

/** Whether the device is only watched: it takes no power command (DriverFamilySpec.probeOnly). */
export function isProbeOnly(driver: DriverSpec): boolean {
  return familyOf(driver).probeOnly?.(driver) ?? false;
}

/** The credentials the driver's spec names, for the worker to check at start. */
export function driverSecretRefs(driver: DriverSpec): SecretRef[] {
  return familyOf(driver).secretRefs(driver).filter((ref) => ref !== undefined);
}
