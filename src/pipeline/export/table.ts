/**
 * A typed column table: the common shape behind every catalogue format galspin writes
 * (text table, CSV, JSON, ECSV, FITS BINTABLE), so each writer is a pure function of it.
 */

export type ColumnType = 'string' | 'float64' | 'int32' | 'bool';
export type CellValue = string | number | boolean | null | undefined;

export interface Column {
  name: string;
  type: ColumnType;
  /** Physical unit as written in FITS TUNITn / ECSV `unit` (e.g. 'km / s'); omitted when dimensionless. */
  unit?: string;
  description?: string;
}

export interface Table {
  columns: Column[];
  rows: Record<string, CellValue>[];
  /** Table-level metadata (ECSV `meta`, FITS header keywords of the table HDU). */
  meta?: Record<string, string | number | boolean>;
}

export function isMissing(v: CellValue): v is null | undefined {
  return v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v));
}
