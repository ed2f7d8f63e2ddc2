/**
 * The one CSV reader and writer of galspin (RFC 4180, through csv-parse and csv-stringify): quoted
 * fields may hold commas, doubled quotes and line breaks. Every table galspin reads or writes as CSV
 * goes through here, so a free-text column in a catalogue cannot shift the columns after it.
 */
import { CsvError as ParseError, parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { PermanentInputError } from '../errors.ts';

/** A CSV text that cannot be parsed (unterminated quote, a row with a stray quote…). */
export class CsvError extends PermanentInputError {
  override name = 'CsvError';
}

export interface CsvRecord {
  /** 1-based line the record starts on. */
  line: number;
  fields: string[];
}

const LINE_BREAK = /\r\n|\r|\n/g;
const breaks = (s: string) => s.match(LINE_BREAK)?.length ?? 0;

/**
 * Splits CSV text into records. Blank lines are skipped; unquoted fields are trimmed, quoted ones
 * kept verbatim; rows may be shorter or longer than the header (the caller decides). A UTF-8 BOM is
 * dropped. `file` names the source in errors.
 */
export function parseCsvRecords(text: string, file = '<csv>'): CsvRecord[] {
  let parsed: { raw: string; record: string[] }[];
  try {
    parsed = parse(text, {
      bom: true,
      raw: true,
      trim: true,
      skip_empty_lines: true,
      relax_column_count: true,
      // Files edited on several systems mix line ends; any of them ends a record.
      record_delimiter: ['\r\n', '\n', '\r'],
      // With `raw`, each record comes as { raw, record } (the typings give the record only).
    }) as unknown as typeof parsed;
  } catch (err) {
    if (err instanceof ParseError) throw new CsvError(`${file}: ${err.message}`);
    throw err;
  }
  let line = 1;
  return parsed.map(({ raw, record }) => {
    // `raw` carries the blank lines skipped before the record and its own line breaks.
    const start = line + breaks(/^[\r\n]*/.exec(raw)?.[0] ?? '');
    line += breaks(raw);
    return { line: start, fields: record };
  });
}

/** A CSV with a header row: column names and one object per record (missing trailing cells ''). */
export interface CsvTable {
  header: string[];
  rows: { line: number; cells: Record<string, string> }[];
}

/** Parses CSV text whose first record is the header; duplicate or empty column names are refused. */
export function parseCsvTable(text: string, file = '<csv>'): CsvTable {
  const [head, ...body] = parseCsvRecords(text, file);
  if (!head) throw new CsvError(`${file}: empty CSV (no header row)`);
  const header = head.fields;
  const seen = new Set<string>();
  for (const [i, name] of header.entries()) {
    if (name === '') throw new CsvError(`${file}:${head.line}: column ${i + 1} has no name`);
    if (seen.has(name)) throw new CsvError(`${file}:${head.line}: column '${name}' appears twice`);
    seen.add(name);
  }
  return {
    header,
    rows: body.map(({ line, fields }) => {
      if (fields.length > header.length)
        throw new CsvError(`${file}:${line}: ${fields.length} fields, header has ${header.length}`);
      return { line, cells: Object.fromEntries(header.map((h, k) => [h, fields[k] ?? ''])) };
    }),
  };
}

/** A CSV cell as written: empty for missing (null, undefined, NaN). */
export type CsvCell = string | number | bigint | boolean | null | undefined;

/**
 * Writes rows (the header first, if any) as CSV. Fields holding the delimiter, a quote, a line
 * break or edge spaces are quoted, so {@link parseCsvRecords} gives back exactly the same strings.
 */
export function formatCsv(rows: readonly (readonly CsvCell[])[], eol: '\n' | '\r\n' = '\n'): string {
  return stringify(
    rows.map((r) => r.map((v) => (typeof v === 'number' && Number.isNaN(v) ? null : v))),
    {
      record_delimiter: eol === '\n' ? 'unix' : 'windows',
      quoted_match: /^\s|\s$|[\r\n]/,
      // True/False as astropy and pandas write them (and pandas reads them back as bool).
      cast: { bigint: (v) => String(v), boolean: (v) => (v ? 'True' : 'False') },
    },
  );
}
