/**
 * Catalogue in → catalogue out (as Zoobot's `predict_on_catalog`): a table with `file_loc` (the
 * stellar-velocity file, absolute or relative to the catalogue's folder) and `id_str` goes in; the
 * same rows, in the same order, with every input column unchanged, come out with the prediction
 * columns added. `file_loc_dispersion`, when the catalogue has it, names the dispersion file of each
 * row (an empty cell: none); without it the dispersion product lying beside the velocity file is
 * paired. A row whose file is missing or unreadable keeps its place with empty prediction columns
 * and an `error` naming the problem.
 */
import { dirname, isAbsolute, resolve } from 'node:path';
import { CsvError } from '../formats/csv.ts';
import { COL, PREDICTION_COLUMNS } from '../formats/table/columns.ts';
import type { CellValue, Column, Table } from '../formats/table/table.ts';
import type { PredictionOutcome } from './records.ts';

export const FILE_COLUMN = 'file_loc';
export const ID_COLUMN = 'id_str';
export const DISPERSION_COLUMN = 'file_loc_dispersion';

export class CatalogueInputError extends CsvError {
  override name = 'CatalogueInputError';
}

/** The files one catalogue row names, or why it names none. */
export type CatalogueEntry =
  | { ok: true; velocityFile: string; dispersionFile?: string }
  | { ok: false; reason: string };

const text = (v: CellValue): string => (v === null || v === undefined ? '' : String(v).trim());

/** Checks the catalogue's columns and resolves each row's files against the catalogue's folder. */
export function catalogueEntries(table: Table, cataloguePath: string): CatalogueEntry[] {
  const names = new Set(table.columns.map((c) => c.name));
  const missing = [FILE_COLUMN, ID_COLUMN].filter((n) => !names.has(n));
  if (missing.length > 0)
    throw new CatalogueInputError(
      `${cataloguePath}: no column ${missing.map((m) => `'${m}'`).join(' or ')} (a catalogue needs ${FILE_COLUMN} and ${ID_COLUMN})`,
    );
  const base = dirname(resolve(cataloguePath));
  const at = (p: string) => (isAbsolute(p) ? p : resolve(base, p));
  const withDispersion = names.has(DISPERSION_COLUMN);
  return table.rows.map((row) => {
    const file = text(row[FILE_COLUMN]);
    if (file === '') return { ok: false, reason: `empty ${FILE_COLUMN}` };
    const dispersion = withDispersion ? text(row[DISPERSION_COLUMN]) : '';
    return { ok: true, velocityFile: at(file), ...(dispersion ? { dispersionFile: at(dispersion) } : {}) };
  });
}

/**
 * Columns added to the catalogue: the prediction columns (file_loc already names the velocity
 * file, so source_file is left out) and `error`.
 */
export const ADDED_COLUMNS: readonly Column[] = [
  ...PREDICTION_COLUMNS.filter((c) => c.name !== COL.sourceFile.name),
  COL.error,
];

/**
 * The output catalogue: every input column and row as read, then the added columns. An input column
 * with the name of an added one (a catalogue that went through predict before) is replaced; the
 * names of those replaced are returned so the caller can say so.
 */
export function withPredictions(
  table: Table,
  outcomes: readonly (PredictionOutcome | { ok: false; reason: string })[],
): { table: Table; replaced: string[] } {
  if (outcomes.length !== table.rows.length)
    throw new Error(`internal: ${outcomes.length} outcomes for ${table.rows.length} rows`);
  const added = new Set(ADDED_COLUMNS.map((c) => c.name));
  const replaced = table.columns.filter((c) => added.has(c.name)).map((c) => c.name);
  const columns = [...table.columns.filter((c) => !added.has(c.name)), ...ADDED_COLUMNS];
  const rows = table.rows.map((row, i) => {
    const o = outcomes[i];
    const out: Record<string, CellValue> = { ...row };
    for (const c of ADDED_COLUMNS) out[c.name] = null;
    if (o.ok) {
      for (const c of ADDED_COLUMNS) if (c.name in o.record) out[c.name] = o.record[c.name];
    } else out[COL.error.name] = o.reason;
    return out;
  });
  return { table: { columns, rows, ...(table.meta ? { meta: table.meta } : {}) }, replaced };
}
