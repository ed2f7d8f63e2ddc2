/** RFC 4180 CSV and a fixed-width text table for terminals. */
import { type CellValue, isMissing, type Table } from './table.ts';

function csvCell(v: CellValue): string {
  if (isMissing(v)) return '';
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(table: Table): string {
  const lines = [table.columns.map((c) => csvCell(c.name)).join(',')];
  for (const row of table.rows) lines.push(table.columns.map((c) => csvCell(row[c.name])).join(','));
  return `${lines.join('\r\n')}\r\n`;
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
  const numeric = table.columns.map((c) => c.type !== 'string' && c.type !== 'bool');
  const fmt = (cells: string[]) =>
    cells
      .map((s, i) => (numeric[i] ? s.padStart(widths[i]) : s.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [fmt(header), fmt(widths.map((w) => '-'.repeat(w))), ...body.map(fmt)].join('\n') + '\n';
}
