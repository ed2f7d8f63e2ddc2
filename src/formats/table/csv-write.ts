/** CSV (RFC 4180, through the one CSV library in src/formats/csv.ts) and a text table for terminals. */
import { formatCsv } from '../csv.ts';
import { type CellValue, isMissing, isNumericType, type Table } from './table.ts';

/** Header row of column names, then one row per record; missing cells empty; CRLF as RFC 4180. */
export function toCsv(table: Table, eol: '\n' | '\r\n' = '\r\n'): string {
  return formatCsv(
    [table.columns.map((c) => c.name), ...table.rows.map((r) => table.columns.map((c) => r[c.name]))],
    eol,
  );
}

function textCell(v: CellValue): string {
  if (isMissing(v)) return '-';
  if (typeof v === 'number' && !Number.isInteger(v)) return v.toFixed(4);
  return String(v);
}

/** Left-aligned columns separated by two spaces; numbers right-aligned. */
export function toTextTable(table: Table): string {
  const header = table.columns.map((c) => c.name);
  const body = table.rows.map((r) => table.columns.map((c) => textCell(r[c.name])));
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const numeric = table.columns.map((c) => isNumericType(c.type));
  const fmt = (cells: string[]) =>
    cells
      .map((s, i) => (numeric[i] ? s.padStart(widths[i]) : s.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return `${[fmt(header), fmt(widths.map((w) => '-'.repeat(w))), ...body.map(fmt)].join('\n')}\n`;
}
