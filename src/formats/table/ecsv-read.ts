/**
 * ECSV 1.0 reader (APE 6, as astropy writes it): `# `-prefixed YAML header (parsed by the `yaml`
 * library as YAML 1.2 — so a column named `n` or `no` stays a string — with astropy's `!!omap`), then a delimited body whose first row
 * names the columns. Cells become typed values: numbers for int/uint/float (int64 and uint64 as
 * bigint), booleans for bool, and `""` in a non-string column is missing (astropy's mask).
 * Datatypes without a FITS counterpart map to the nearest wider one (int8 → int16, uint16 → int32,
 * uint32/uint64 → int64, float16 → float32); multidimensional and object columns (`subtype`) are
 * carried as their JSON text in a string column.
 */
import { parse as parseCsv } from 'csv-parse/sync';
import { parse as parseYaml } from 'yaml';
import { CsvError } from '../csv.ts';
import type { CellValue, Column, ColumnType, Table } from './table.ts';

export class EcsvError extends CsvError {
  override name = 'EcsvError';
}

const TYPE_OF: Record<string, ColumnType> = {
  string: 'string',
  bool: 'bool',
  int8: 'int16',
  int16: 'int16',
  int32: 'int32',
  int64: 'int64',
  uint8: 'uint8',
  uint16: 'int32',
  uint32: 'int64',
  uint64: 'int64',
  float16: 'float32',
  float32: 'float32',
  float64: 'float64',
  float128: 'float64',
};

interface HeaderColumn {
  name?: unknown;
  datatype?: unknown;
  subtype?: unknown;
  unit?: unknown;
  description?: unknown;
}

/** Converts one body cell of an ECSV column to its value; throws a message (no file) when bad. */
function typed(raw: string, type: ColumnType): CellValue {
  if (type === 'string') return raw;
  if (raw === '') return null;
  switch (type) {
    case 'bool':
      if (/^(true|1)$/i.test(raw)) return true;
      if (/^(false|0)$/i.test(raw)) return false;
      throw new Error(`'${raw}' is not True or False`);
    case 'int64':
      if (!/^[+-]?\d+$/.test(raw)) throw new Error(`'${raw}' is not an integer`);
      return BigInt(raw);
    case 'uint8':
    case 'int16':
    case 'int32': {
      if (!/^[+-]?\d+$/.test(raw)) throw new Error(`'${raw}' is not an integer`);
      return Number(raw);
    }
    default: {
      const lower = raw.toLowerCase();
      if (lower === 'nan') return Number.NaN;
      if (lower === 'inf' || lower === '+inf') return Number.POSITIVE_INFINITY;
      if (lower === '-inf') return Number.NEGATIVE_INFINITY;
      const v = Number(raw);
      if (Number.isNaN(v)) throw new Error(`'${raw}' is not a number`);
      return v;
    }
  }
}

/** Parses ECSV text into a typed {@link Table}; `file` names the source in errors. */
export function parseEcsv(text: string, file = '<ecsv>'): Table {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  let n = 0;
  const head: string[] = [];
  while (n < lines.length && lines[n].startsWith('#')) {
    head.push(lines[n].replace(/^# ?/, ''));
    n++;
  }
  if (!/^%ECSV \d+\.\d+/.test(head[0] ?? ''))
    throw new EcsvError(`${file}: not an ECSV file (first line is not '# %ECSV <version>')`);
  let header: { delimiter?: unknown; datatype?: unknown; meta?: unknown };
  try {
    header = (parseYaml(head.slice(1).join('\n'), {
      customTags: ['omap', 'pairs', 'set'],
      logLevel: 'silent',
    }) ?? {}) as typeof header;
  } catch (err) {
    throw new EcsvError(`${file}: bad YAML header (${(err as Error).message.split('\n')[0]})`);
  }
  const delimiter = header.delimiter ?? ' ';
  if (delimiter !== ' ' && delimiter !== ',')
    throw new EcsvError(`${file}: delimiter ${JSON.stringify(delimiter)} is not ' ' or ','`);
  if (!Array.isArray(header.datatype) || header.datatype.length === 0)
    throw new EcsvError(`${file}: header has no datatype list`);
  const columns: Column[] = (header.datatype as HeaderColumn[]).map((c, i) => {
    if (typeof c?.name !== 'string') throw new EcsvError(`${file}: datatype entry ${i + 1} has no name`);
    const datatype = String(c.datatype ?? 'string');
    const type = c.subtype !== undefined ? 'string' : TYPE_OF[datatype];
    if (!type) throw new EcsvError(`${file}: column '${c.name}' has unsupported datatype '${datatype}'`);
    return {
      name: c.name,
      type,
      ...(typeof c.unit === 'string' && c.unit !== '' ? { unit: c.unit } : {}),
      ...(typeof c.description === 'string' && c.description !== '' ? { description: c.description } : {}),
    };
  });
  const bodyStart = n;
  let records: { info: { lines: number }; record: string[] }[];
  try {
    records = parseCsv(lines.slice(n).join('\n'), {
      delimiter,
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
      comment: '#',
      comment_no_infix: true,
      // With `info`, each record comes as { info, record } (the typings give the record only).
    }) as unknown as typeof records;
  } catch (err) {
    throw new EcsvError(`${file}: ${(err as Error).message}`);
  }
  const [names, ...body] = records;
  const expected = columns.map((c) => c.name);
  if (!names || names.record.join('\u0000') !== expected.join('\u0000'))
    throw new EcsvError(
      `${file}: column names row (${names?.record.join(' ') ?? 'none'}) differs from the header's (${expected.join(' ')})`,
    );
  const rows = body.map(({ info, record }) => {
    const line = bodyStart + info.lines;
    if (record.length !== columns.length)
      throw new EcsvError(`${file}:${line}: ${record.length} fields, header has ${columns.length}`);
    const row: Record<string, CellValue> = {};
    columns.forEach((c, k) => {
      try {
        row[c.name] = typed(record[k], c.type);
      } catch (err) {
        throw new EcsvError(`${file}:${line}: column '${c.name}': ${(err as Error).message}`);
      }
    });
    return row;
  });
  const meta = scalarMeta(header.meta);
  return { columns, rows, ...(meta ? { meta } : {}) };
}

/** Table meta of scalar values only (nested astropy meta is dropped: FITS keywords cannot hold it). */
function scalarMeta(meta: unknown): Table['meta'] | undefined {
  const entries =
    meta instanceof Map ? [...meta.entries()] : meta && typeof meta === 'object' ? Object.entries(meta) : [];
  const out: NonNullable<Table['meta']> = {};
  for (const [k, v] of entries)
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[String(k)] = v;
  return Object.keys(out).length > 0 ? out : undefined;
}
