/** Benchmark output: the JSON report file and plain-text tables for the terminal. */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Creates the folder; numbers stay numbers, undefined fields are left out. */
export async function writeJsonReport(file: string, report: unknown): Promise<void> {
  await mkdir(path.dirname(path.resolve(file)), { recursive: true });
  await writeFile(file, `${JSON.stringify(report, null, 2)}\n`);
}

/** Columns sized to their widest cell; numbers right-aligned, text left-aligned. */
export function formatTable(headers: string[], rows: (string | number | undefined)[][]): string {
  const cells = rows.map((row) => headers.map((_, column) => formatCell(row[column])));
  const widths = headers.map((header, column) => Math.max(header.length, ...cells.map((row) => row[column]!.length)));
  const numeric = headers.map((_, column) => rows.every((row) => row[column] === undefined || typeof row[column] === 'number'));
  const line = (row: string[]) =>
    row.map((cell, column) => (numeric[column] ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!))).join('  ').trimEnd();
  return [line(headers), line(widths.map((width) => '-'.repeat(width))), ...cells.map(line)].join('\n');
}

function formatCell(value: string | number | undefined): string {
  if (value === undefined) return '-';
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : value.toFixed(1);
  return value;
}

/** `--out`: the report goes to the file when one was named, and stderr says where. */
export async function writeReportIfAsked(file: string | undefined, report: unknown): Promise<void> {
  if (!file) return;
  await writeJsonReport(file, report);
  console.error(`report written to ${file}`);
}
