/**
 * A typed column table: the common shape behind every catalogue format galspin reads or writes
 * (text table, CSV, JSON, ECSV, FITS BINTABLE), so each reader and writer is a pure function of it.
 */

/**
 * Column types, named as ECSV 1.0 datatypes (and numpy dtypes). Each maps to one FITS TFORM:
 * string → nA, bool → L, uint8 → B, int16 → I, int32 → J, int64 → K, float32 → E, float64 → D.
 */
export type ColumnType = 'string' | 'bool' | 'uint8' | 'int16' | 'int32' | 'int64' | 'float32' | 'float64';
/** A cell: int64 cells are bigint (exact beyond 2^53); null, undefined and NaN are missing. */
export type CellValue = string | number | bigint | boolean | null | undefined;

export interface Column {
  name: string;
  type: ColumnType;
  /** Physical unit as written in FITS TUNITn / ECSV `unit` (e.g. 'km / s'); omitted when dimensionless. */
  unit?: string;
  description?: string;
}

export interface Table {
  columns: readonly Column[];
  rows: Record<string, CellValue>[];
  /** Table-level metadata (ECSV `meta`, FITS header keywords of the table HDU). */
  meta?: Record<string, string | number | boolean>;
}

export function isMissing(v: CellValue): v is null | undefined {
  return v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v));
}

/** Number-valued types (right-aligned in text tables). */
export function isNumericType(t: ColumnType): boolean {
  return t !== 'string' && t !== 'bool';
}
