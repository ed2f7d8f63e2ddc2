/**
 * How a batch command prints its per-galaxy table: a text table for the terminal, CSV, ECSV, JSON or
 * JSON lines on stdout, or a file whose extension picks CSV, ECSV or FITS. One function, so predict,
 * explain, moran and query print the same column names the same way.
 */

import { toCsv, toTextTable } from '../formats/table/csv-write.ts';
import { toEcsv } from '../formats/table/ecsv-write.ts';
import { renderTable, tableFormatOf } from '../formats/table/io.ts';
import { type CellValue, isMissing, type Table } from '../formats/table/table.ts';
import { UsageError } from './errors.ts';

export type StdoutFormat = 'table' | 'csv' | 'ecsv' | 'json' | 'jsonl';
export const STDOUT_FORMATS: readonly StdoutFormat[] = ['table', 'csv', 'ecsv', 'json', 'jsonl'];

/** A cell as JSON: missing → null, bigint → number when exact, else its decimal text. */
function jsonCell(v: CellValue): unknown {
  if (isMissing(v)) return null;
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : String(v);
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  return v;
}

export function jsonRecords(table: Table): Record<string, unknown>[] {
  return table.rows.map((r) => Object.fromEntries(table.columns.map((c) => [c.name, jsonCell(r[c.name])])));
}

/** Renders `table` for stdout; the terminal table leaves out columns that are empty in every row. */
export function renderStdout(table: Table, format: StdoutFormat): string {
  switch (format) {
    case 'csv':
      return toCsv(table, '\n');
    case 'ecsv':
      return toEcsv(table);
    case 'json':
      return `${JSON.stringify(jsonRecords(table), null, 2)}\n`;
    case 'jsonl':
      return jsonRecords(table)
        .map((r) => `${JSON.stringify(r)}\n`)
        .join('');
    case 'table': {
      if (table.rows.length === 0) return '';
      const shown = table.columns.filter((c) => table.rows.some((r) => !isMissing(r[c.name])));
      return toTextTable({ ...table, columns: shown });
    }
  }
}

/** The file format for `--out PATH`, by extension; UsageError naming the choices otherwise. */
export function outFormat(path: string): 'csv' | 'ecsv' | 'fits' {
  const f = tableFormatOf(path);
  if (!f) throw new UsageError(`--out ${path}: name a .csv, .ecsv or .fits file`);
  return f;
}

export { renderTable };
