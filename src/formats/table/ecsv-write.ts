/**
 * ECSV 1.0 writer (Astropy Enhanced Character Separated Values, APE 6): a YAML header in `# `
 * comment lines describing each column's datatype, unit and description, then a space-delimited
 * body. Missing values are written as `""`, which astropy reads back as masked (numbers, bools).
 * The YAML is written by the `yaml` library, so any column name, unit or description is escaped.
 */
import { Document, type YAMLMap, type YAMLSeq } from 'yaml';
import { type CellValue, type Column, isMissing, type Table } from './table.ts';

function cell(v: CellValue, type: Column['type']): string {
  if (isMissing(v)) return '""';
  if (type === 'bool') return v ? 'True' : 'False';
  if (typeof v === 'number') {
    if (v === Number.POSITIVE_INFINITY) return 'inf';
    if (v === Number.NEGATIVE_INFINITY) return '-inf';
    return String(v);
  }
  const s = String(v);
  // Quoted when empty, when it holds the delimiter or a quote, or when a row would start with '#'.
  return s === '' || /[\s"]/.test(s) || s.startsWith('#') ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The `# `-prefixed YAML header of an ECSV 1.0 file for `table`'s columns and meta. */
export function ecsvHeader(table: { columns: readonly Column[]; meta?: Table['meta'] }): string {
  const datatype = table.columns.map((c) => ({
    name: c.name,
    datatype: c.type,
    ...(c.unit ? { unit: c.unit } : {}),
    ...(c.description ? { description: c.description } : {}),
  }));
  // YAML 1.1 quoting, because astropy reads the header with PyYAML: a plain `yes` or `off` would be a bool there.
  const doc = new Document(
    {
      delimiter: ' ',
      datatype,
      ...(table.meta && Object.keys(table.meta).length > 0 ? { meta: table.meta } : {}),
      schema: 'astropy-2.0',
    },
    { version: '1.1' },
  );
  for (const item of (doc.get('datatype') as YAMLSeq<YAMLMap>).items) item.flow = true;
  const yaml = doc.toString({ lineWidth: 0 }).trimEnd().split('\n');
  return `${['%ECSV 1.0', '---', ...yaml].map((l) => `# ${l}`).join('\n')}\n`;
}

/** The body lines (column names, then rows) of an ECSV file. */
export function ecsvRows(columns: readonly Column[], rows: readonly Record<string, CellValue>[]): string {
  let out = '';
  for (const row of rows) out += `${columns.map((c) => cell(row[c.name], c.type)).join(' ')}\n`;
  return out;
}

/** The line of column names that follows the header. */
export function ecsvNames(columns: readonly Column[]): string {
  return `${columns.map((c) => cell(c.name, 'string')).join(' ')}\n`;
}

export function toEcsv(table: Table): string {
  return ecsvHeader(table) + ecsvNames(table.columns) + ecsvRows(table.columns, table.rows);
}
