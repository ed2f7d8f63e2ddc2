/**
 * A FITS binary table writer (FITS Standard 4.0, Sect. 7.3): an empty primary HDU followed by one
 * BINTABLE extension. Big-endian fields; strings as fixed-width `nA` padded with spaces (printable
 * ASCII only, as the standard requires: anything else becomes '?'); floats as `1E`/`1D` with NaN for
 * missing; integers as `1B`/`1I`/`1J`/`1K` with TNULLn for missing; bool as `1L` ('T'/'F', 0 =
 * undefined). src/fits writes images only, so the catalogue writer lives here.
 */

import { GalspinError } from '../../errors.ts';
import { type Column, type ColumnType, isMissing, type Table } from './table.ts';

const BLOCK = 2880;

/** TFORM, bytes per cell and the TNULL sentinel of each non-string column type. */
const FORMS: Record<Exclude<ColumnType, 'string'>, { tform: string; width: number; tnull?: bigint }> = {
  bool: { tform: '1L', width: 1 },
  uint8: { tform: '1B', width: 1, tnull: 255n },
  int16: { tform: '1I', width: 2, tnull: -32768n },
  int32: { tform: '1J', width: 4, tnull: -2147483648n },
  int64: { tform: '1K', width: 8, tnull: -9223372036854775808n },
  float32: { tform: '1E', width: 4 },
  float64: { tform: '1D', width: 8 },
};

export class BintableError extends GalspinError {
  override name = 'BintableError';
}

type CardValue = string | number | bigint | boolean;

function formatValue(v: CardValue): string {
  if (typeof v === 'boolean') return (v ? 'T' : 'F').padStart(20);
  if (typeof v === 'bigint') return String(v).padStart(20);
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new BintableError(`non-finite header value ${v}`);
    const s = Number.isInteger(v) ? String(v) : v.toExponential(15).replace('e', 'E');
    return s.padStart(20);
  }
  // Fixed-format string: quote at byte 11, at least 8 characters inside the quotes.
  return `'${v.replace(/'/g, "''").padEnd(8)}'`.padEnd(20);
}

function card(key: string, value?: CardValue, comment?: string): string {
  let s = key.padEnd(8);
  if (value !== undefined) {
    s += `= ${formatValue(value)}`;
    if (comment) s += ` / ${comment}`;
  }
  // Printable ASCII only, truncated to one card.
  return s
    .replace(/[^\x20-\x7e]/g, '?')
    .slice(0, 80)
    .padEnd(80);
}

function headerBytes(cards: string[]): Uint8Array {
  const text = [...cards, 'END'.padEnd(80)].join('');
  const size = Math.ceil(text.length / BLOCK) * BLOCK;
  const out = new Uint8Array(size).fill(0x20);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}

function asciiBytes(s: string): number[] {
  const out: number[] = [];
  for (const ch of s) {
    const code = ch.codePointAt(0) ?? 0x3f;
    out.push(code >= 0x20 && code <= 0x7e ? code : 0x3f);
  }
  return out;
}

interface Field {
  column: Column;
  width: number;
  tform: string;
  tnull?: bigint;
}

function layout(table: Table): Field[] {
  return table.columns.map((column) => {
    if (column.type !== 'string') return { column, ...FORMS[column.type] };
    let longest = 1;
    for (const r of table.rows) {
      const v = r[column.name];
      if (!isMissing(v)) longest = Math.max(longest, asciiBytes(String(v)).length);
    }
    return { column, width: longest, tform: `${longest}A` };
  });
}

/** Serialises `table` as a two-HDU FITS file (primary + BINTABLE named `extname`). */
export function toFitsBintable(table: Table, extname = 'GALSPIN'): Uint8Array {
  const fields = layout(table);
  const rowBytes = fields.reduce((a, f) => a + f.width, 0);
  const primary = headerBytes([
    card('SIMPLE', true, 'conforms to FITS standard'),
    card('BITPIX', 8),
    card('NAXIS', 0),
    card('EXTEND', true),
  ]);
  const cards = [
    card('XTENSION', 'BINTABLE', 'binary table extension'),
    card('BITPIX', 8),
    card('NAXIS', 2),
    card('NAXIS1', rowBytes, 'bytes per row'),
    card('NAXIS2', table.rows.length, 'rows'),
    card('PCOUNT', 0),
    card('GCOUNT', 1),
    card('TFIELDS', fields.length),
  ];
  fields.forEach((f, i) => {
    const n = i + 1;
    cards.push(card(`TTYPE${n}`, f.column.name, f.column.description));
    cards.push(card(`TFORM${n}`, f.tform));
    if (f.tnull !== undefined) cards.push(card(`TNULL${n}`, f.tnull));
    if (f.column.unit) cards.push(card(`TUNIT${n}`, f.column.unit));
  });
  cards.push(card('EXTNAME', extname));
  for (const [k, v] of Object.entries(table.meta ?? {})) {
    const key = k
      .toUpperCase()
      .replace(/[^A-Z0-9_-]/g, '')
      .slice(0, 8);
    if (key) cards.push(card(key, v));
  }
  const header = headerBytes(cards);
  const dataSize = Math.ceil((rowBytes * table.rows.length) / BLOCK) * BLOCK;
  const data = new Uint8Array(dataSize);
  const view = new DataView(data.buffer);
  let offset = 0;
  for (const row of table.rows) {
    for (const f of fields) {
      const v = row[f.column.name];
      const tnull = f.tnull ?? 0n;
      switch (f.column.type) {
        case 'float64':
          view.setFloat64(offset, isMissing(v) ? Number.NaN : Number(v), false);
          break;
        case 'float32':
          view.setFloat32(offset, isMissing(v) ? Number.NaN : Number(v), false);
          break;
        case 'uint8':
          view.setUint8(offset, isMissing(v) ? Number(tnull) : Number(v));
          break;
        case 'int16':
          view.setInt16(offset, isMissing(v) ? Number(tnull) : Math.trunc(Number(v)), false);
          break;
        case 'int32':
          view.setInt32(offset, isMissing(v) ? Number(tnull) : Math.trunc(Number(v)), false);
          break;
        case 'int64':
          view.setBigInt64(
            offset,
            isMissing(v) ? tnull : BigInt(typeof v === 'number' ? Math.trunc(v) : (v as bigint | string)),
            false,
          );
          break;
        case 'bool':
          data[offset] = isMissing(v) ? 0 : v ? 0x54 : 0x46;
          break;
        case 'string': {
          const bytes = isMissing(v) ? [] : asciiBytes(String(v));
          data.fill(0x20, offset, offset + f.width);
          data.set(bytes.slice(0, f.width), offset);
          break;
        }
      }
      offset += f.width;
    }
  }
  const out = new Uint8Array(primary.length + header.length + data.length);
  out.set(primary, 0);
  out.set(header, primary.length);
  out.set(data, primary.length + header.length);
  return out;
}
