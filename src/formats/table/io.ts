/**
 * Catalogue tables on disk, the format chosen by the file's extension: `.csv` (RFC 4180, header
 * row), `.ecsv` (ECSV 1.0, typed) and `.fits`/`.fit`/`.fts` (optionally `.gz`; the first binary
 * table). CSV cells are read as text, exactly as written, so a CSV passes through unchanged; when
 * such a table is written as ECSV or FITS its columns get types by {@link inferTypes}.
 */
import { readFile, stat, writeFile } from 'node:fs/promises';
import { LIMITS } from '../../config/index.ts';
import { CsvError, parseCsvTable } from '../csv.ts';
import { toCsv } from './csv-write.ts';
import { parseEcsv } from './ecsv-read.ts';
import { toEcsv } from './ecsv-write.ts';
import { readFitsTable } from './fits-read.ts';
import { toFitsBintable } from './fits-write.ts';
import type { CellValue, Column, ColumnType, Table } from './table.ts';

export type TableFormat = 'csv' | 'ecsv' | 'fits';

/** The table format named by a path's extension, or undefined. */
export function tableFormatOf(path: string): TableFormat | undefined {
  const p = path.toLowerCase();
  if (p.endsWith('.csv')) return 'csv';
  if (p.endsWith('.ecsv')) return 'ecsv';
  if (/\.(fits|fit|fts)(\.gz)?$/.test(p)) return 'fits';
  return undefined;
}

export class TableFormatError extends CsvError {
  override name = 'TableFormatError';
}

function formatOrThrow(path: string): TableFormat {
  const f = tableFormatOf(path);
  if (!f) throw new TableFormatError(`${path}: unknown table format (use .csv, .ecsv or .fits)`);
  return f;
}

/** A CSV's text cells as string columns, every value exactly as written. */
export function csvToTable(text: string, file: string): Table {
  const { header, rows } = parseCsvTable(text, file);
  return {
    columns: header.map((name) => ({ name, type: 'string' })),
    rows: rows.map((r) => r.cells),
  };
}

/** Reads a catalogue table; text formats are refused above LIMITS.maxCatalogBytes. */
export async function readTable(path: string): Promise<Table> {
  const format = formatOrThrow(path);
  if (format === 'fits') return readFitsTable(path);
  const { size } = await stat(path);
  if (size > LIMITS.maxCatalogBytes)
    throw new TableFormatError(
      `${path}: ${size} bytes exceeds the ${LIMITS.maxCatalogBytes}-byte catalogue limit`,
    );
  const text = await readFile(path, 'utf8');
  return format === 'csv' ? csvToTable(text, path) : parseEcsv(text, path);
}

/** Serialises a table in `format` (CSV with LF line ends, as most catalogue tools write). */
export function renderTable(table: Table, format: TableFormat): string | Uint8Array {
  if (format === 'csv') return toCsv(table, '\n');
  if (format === 'ecsv') return toEcsv(table);
  return toFitsBintable(table, 'CATALOG');
}

export async function writeTable(path: string, table: Table): Promise<void> {
  await writeFile(path, renderTable(table, formatOrThrow(path)));
}

const INT = /^[+-]?(0|[1-9]\d*)$/;
// No leading zeros before the point: '007' is a code, not a number.
const FLOAT = /^[+-]?((0|[1-9]\d*)(\.\d*)?|\.\d+)([eE][+-]?\d+)?$|^[+-]?(nan|inf|infinity)$/i;
const BOOL = /^(true|false)$/i;

function inferColumn(values: readonly CellValue[]): ColumnType {
  const present = values.filter((v): v is string => typeof v === 'string' && v !== '');
  if (present.length === 0) return 'string';
  if (present.every((v) => INT.test(v))) return 'int64';
  if (present.every((v) => FLOAT.test(v))) return 'float64';
  if (present.every((v) => BOOL.test(v))) return 'bool';
  return 'string';
}

function convert(v: CellValue, type: ColumnType): CellValue {
  if (typeof v !== 'string') return v;
  if (type === 'string') return v;
  if (v === '') return null;
  if (type === 'int64') return BigInt(v);
  if (type === 'bool') return v.toLowerCase() === 'true';
  const lower = v.toLowerCase().replace(/^\+/, '');
  if (lower === 'inf' || lower === 'infinity') return Number.POSITIVE_INFINITY;
  if (lower === '-inf' || lower === '-infinity') return Number.NEGATIVE_INFINITY;
  return Number(v);
}

/**
 * Types for a table read from CSV, as astropy infers them: a string column whose every non-empty
 * cell is an integer without leading zeros becomes int64, every cell a decimal number float64,
 * every cell true/false bool; empty cells become missing. Columns in `keep` stay text (ids, paths).
 */
export function inferTypes(table: Table, keep: ReadonlySet<string> = new Set()): Table {
  const columns: Column[] = table.columns.map((c) =>
    c.type === 'string' && !keep.has(c.name)
      ? { ...c, type: inferColumn(table.rows.map((r) => r[c.name])) }
      : c,
  );
  const changed = columns.filter((c, i) => c.type !== table.columns[i].type);
  if (changed.length === 0) return table;
  const rows = table.rows.map((r) => {
    const out = { ...r };
    for (const c of changed) out[c.name] = convert(r[c.name], c.type);
    return out;
  });
  return { ...table, columns, rows };
}
