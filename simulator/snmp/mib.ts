/**
 * The objects an agent serves: scalars (one instance, `.0`) and table columns (one instance per
 * row index), read live from the device, some writable. Answers in SNMPv2 terms (RFC 3416
 * section 4.2); the agent translates for v1.
 */
import type { ErrorStatusName, SnmpValue, VarBind } from './pdu';

/** A SET either fails with an error status, or commits once every varbind of the request has passed its check. */
export type SetCheck = { error: ErrorStatusName } | { commit: () => void };

export interface ManagedScalar {
  oid: readonly number[];
  read(): SnmpValue;
  write?(value: SnmpValue): SetCheck;
}

export interface ManagedColumn {
  oid: readonly number[];
  /** The row indexes present, ascending. */
  rows(): readonly number[];
  read(row: number): SnmpValue;
  write?(row: number, value: SnmpValue): SetCheck;
}

export interface ManagedObjects {
  /** The instance's value, or noSuchObject / noSuchInstance. */
  get(oid: readonly number[]): SnmpValue;
  /** The first instance after `oid` in lexicographic order; undefined past the last. */
  next(oid: readonly number[]): VarBind | undefined;
  set(oid: readonly number[], value: SnmpValue): SetCheck;
}

interface Instance {
  oid: number[];
  read(): SnmpValue;
}

export function parseOid(text: string): number[] {
  return text.replace(/^\./, '').split('.').map(Number);
}

export function formatOid(oid: readonly number[]): string {
  return oid.join('.');
}

export function compareOids(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const difference = (a[i] as number) - (b[i] as number);
    if (difference !== 0) return difference;
  }
  return a.length - b.length;
}

function startsWith(oid: readonly number[], prefix: readonly number[]): boolean {
  return oid.length >= prefix.length && prefix.every((arc, i) => oid[i] === arc);
}

export class MibView implements ManagedObjects {
  constructor(
    private readonly scalars: readonly ManagedScalar[],
    private readonly columns: readonly ManagedColumn[],
  ) {}

  get(oid: readonly number[]): SnmpValue {
    const scalar = this.scalars.find((each) => startsWith(oid, each.oid));
    if (scalar) return oid.length === scalar.oid.length + 1 && oid.at(-1) === 0 ? scalar.read() : { type: 'noSuchInstance' };
    const found = this.#row(oid);
    if (!found) return { type: 'noSuchObject' };
    return found.row === undefined ? { type: 'noSuchInstance' } : found.column.read(found.row);
  }

  next(oid: readonly number[]): VarBind | undefined {
    const after = this.#instances().find((instance) => compareOids(instance.oid, oid) > 0);
    return after && { oid: after.oid, value: after.read() };
  }

  set(oid: readonly number[], value: SnmpValue): SetCheck {
    const scalar = this.scalars.find((each) => startsWith(oid, each.oid));
    if (scalar) {
      if (!scalar.write) return { error: 'notWritable' };
      return oid.length === scalar.oid.length + 1 && oid.at(-1) === 0 ? scalar.write(value) : { error: 'noCreation' };
    }
    const found = this.#row(oid);
    // RFC 3416 section 4.2.5: nothing writable under this name is notWritable; a writable column's missing row is noCreation.
    if (!found?.column.write) return { error: 'notWritable' };
    return found.row === undefined ? { error: 'noCreation' } : found.column.write(found.row, value);
  }

  /** The column an OID falls in, and its row when the OID names one that exists. */
  #row(oid: readonly number[]): { column: ManagedColumn; row?: number } | undefined {
    const column = this.columns.find((each) => startsWith(oid, each.oid));
    if (!column) return undefined;
    const row = oid.length === column.oid.length + 1 ? oid.at(-1) : undefined;
    return row !== undefined && column.rows().includes(row) ? { column, row } : { column };
  }

  #instances(): Instance[] {
    const instances: Instance[] = [
      ...this.scalars.map((scalar) => ({ oid: [...scalar.oid, 0], read: () => scalar.read() })),
      ...this.columns.flatMap((column) => column.rows().map((row) => ({ oid: [...column.oid, row], read: () => column.read(row) }))),
    ];
    return instances.sort((a, b) => compareOids(a.oid, b.oid));
  }
}
