/**
 * A FITS binary (or ASCII) table as a typed {@link Table}, read with src/fits: the first table HDU,
 * or the one named by EXTNAME. TFORM → type: L bool, B uint8, I int16, J int32, K int64 (bigint),
 * E float32, D float64, A string; TNULLn cells are missing. Scaled columns (TSCAL/TZERO, e.g.
 * astropy's uint16/uint32) become float64 or int64 values as src/fits returns them. Vector, bit,
 * complex and variable-length columns are carried as their JSON text in a string column.
 */

import type { CellValue as FitsCell, TableColumn } from '../../fits/index.ts';
import { type FitsFile, readFitsFile } from '../../fits/index.ts';
import { CsvError } from '../csv.ts';
import type { CellValue, Column, ColumnType, Table } from './table.ts';

export class FitsTableError extends CsvError {
  override name = 'FitsTableError';
}

const TYPE_OF: Record<string, ColumnType> = {
  L: 'bool',
  B: 'uint8',
  I: 'int16',
  J: 'int32',
  K: 'int64',
  E: 'float32',
  D: 'float64',
  A: 'string',
};

function columnType(c: TableColumn, ascii: boolean): ColumnType {
  if (ascii) return c.code === 'A' ? 'string' : c.code === 'I' ? 'int64' : 'float64';
  const scaled = c.tscal !== 1 || c.tzero !== 0;
  if (c.code === 'A') return 'string';
  if (c.repeat !== 1) return 'string';
  const t = TYPE_OF[c.code];
  if (!t) return 'string';
  if (!scaled) return t;
  // astropy's unsigned convention: an integer column with TZERO = 2^(bits−1) and TSCAL = 1.
  if (c.tscal === 1 && Number.isInteger(c.tzero) && (t === 'int16' || t === 'int32')) return 'int64';
  return 'float64';
}

const json = (v: FitsCell): string =>
  JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x));

/** The cell value that stands for "missing": TNULLn applied to the stored value, scaled as src/fits scales. */
function nullOf(tnull: unknown, c: TableColumn): number | bigint | undefined {
  if (c.code === 'A' || (typeof tnull !== 'number' && typeof tnull !== 'bigint')) return undefined;
  if (c.code === 'K' && c.tscal === 1 && c.tzero === 0) return BigInt(tnull);
  return Number(tnull) * c.tscal + c.tzero;
}

function cellOf(v: FitsCell, type: ColumnType, missing: number | bigint | undefined): CellValue {
  if (v === null || v === undefined) return null;
  if (Array.isArray(v)) return json(v);
  if (missing !== undefined && v === missing) return null;
  if (type === 'int64') return typeof v === 'bigint' ? v : BigInt(Math.round(Number(v)));
  if (type === 'string') return String(v);
  // NaN is how a FITS float column says "missing" (astropy writes masked floats as NaN).
  if (typeof v === 'number' && Number.isNaN(v)) return null;
  return v as CellValue;
}

/** Converts one table HDU of a parsed FITS file. */
export function fitsTable(fits: FitsFile, extname?: string): Table {
  const hdu = extname
    ? fits.hdu(extname)
    : fits.hdus.find((h) => h.type === 'bintable' || h.type === 'table');
  if (!hdu || (hdu.type !== 'bintable' && hdu.type !== 'table'))
    throw new FitsTableError(
      `${fits.file}: ${extname ? `no table HDU named ${extname}` : 'no binary or ASCII table HDU'}`,
    );
  const ascii = hdu.type === 'table';
  const structure = hdu.table();
  const comments = new Map(hdu.header.cards.map((k) => [k.key, k.comment]));
  const columns: Column[] = [];
  const cells: CellValue[][] = [];
  for (const c of structure.columns) {
    const name = c.name ?? `col${c.index}`;
    const type = columnType(c, ascii);
    const description = comments.get(`TTYPE${c.index}`)?.trim();
    columns.push({
      name,
      type,
      ...(c.unit ? { unit: c.unit } : {}),
      ...(description ? { description } : {}),
    });
    const missing = nullOf(hdu.header.get(`TNULL${c.index}`), c);
    cells.push(hdu.column(c.index).map((v) => cellOf(v, type, missing)));
  }
  const rows = Array.from({ length: structure.rows }, (_, r) =>
    Object.fromEntries(columns.map((c, k) => [c.name, cells[k][r]])),
  );
  return { columns, rows };
}

/** Reads the first table HDU of a FITS file (plain or gzip). */
export async function readFitsTable(path: string, extname?: string): Promise<Table> {
  return fitsTable(await readFitsFile(path), extname);
}
