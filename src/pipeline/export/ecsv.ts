/**
 * ECSV 1.0 (Astropy Enhanced Character Separated Values, APE 6): a YAML header in `# ` comment
 * lines describing each column's datatype, unit and description, then a space-delimited body.
 * Missing values are written as `""`, which astropy reads back as masked.
 */
import { type CellValue, type Column, isMissing, type Table } from './table.ts';

const DATATYPE: Record<Column['type'], string> = {
  string: 'string',
  float64: 'float64',
  int32: 'int32',
  bool: 'bool',
};

function yamlString(s: string): string {
  return /^[A-Za-z0-9_.\- /]+$/.test(s) && !/^[\s-]|\s$/.test(s) ? s : `'${s.replace(/'/g, "''")}'`;
}

function cell(v: CellValue, type: Column['type']): string {
  if (isMissing(v)) return '""';
  if (type === 'bool') return v ? 'True' : 'False';
  if (type === 'float64' && typeof v === 'number') {
    if (v === Number.POSITIVE_INFINITY) return 'inf';
    if (v === Number.NEGATIVE_INFINITY) return '-inf';
    return String(v);
  }
  const s = String(v);
  return s === '' || /[\s"]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toEcsv(table: Table): string {
  const head = ['%ECSV 1.0', '---', "delimiter: ' '", 'datatype:'];
  for (const c of table.columns) {
    head.push(
      `- {name: ${yamlString(c.name)}, datatype: ${DATATYPE[c.type]}`.concat(
        c.unit ? `, unit: ${yamlString(c.unit)}` : '',
        c.description ? `, description: ${yamlString(c.description)}` : '',
        '}',
      ),
    );
  }
  if (table.meta && Object.keys(table.meta).length > 0) {
    head.push('meta:');
    for (const [k, v] of Object.entries(table.meta)) {
      head.push(`  ${yamlString(k)}: ${typeof v === 'string' ? yamlString(v) : String(v)}`);
    }
  }
  head.push('schema: astropy-2.0');
  const lines = head.map((l) => `# ${l}`);
  lines.push(table.columns.map((c) => cell(c.name, 'string')).join(' '));
  for (const row of table.rows) lines.push(table.columns.map((c) => cell(row[c.name], c.type)).join(' '));
  return `${lines.join('\n')}\n`;
}
