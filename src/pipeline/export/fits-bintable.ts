/**
 * A FITS binary table writer (FITS Standard 4.0, Sect. 7.3): an empty primary HDU followed by one
 * BINTABLE extension. Big-endian fields; strings as fixed-width `nA` padded with spaces; float64
 * as `1D` with NaN for missing; int32 as `1J` with TNULL; bool as `1L` ('T'/'F', 0 = undefined).
 * src/fits writes images only, so the catalogue writer lives here.
 */
import { type Column, isMissing, type Table } from './table.ts';

const BLOCK = 2880;
const INT32_NULL = -2147483648;

export class BintableError extends Error {
  override name = 'BintableError';
}

type CardValue = string | number | boolean;

function formatValue(v: CardValue): string {
  if (typeof v === 'boolean') return (v ? 'T' : 'F').padStart(20);
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
}

function layout(table: Table): Field[] {
  return table.columns.map((column) => {
    switch (column.type) {
      case 'float64':
        return { column, width: 8, tform: '1D' };
      case 'int32':
        return { column, width: 4, tform: '1J' };
      case 'bool':
        return { column, width: 1, tform: '1L' };
      default: {
        const longest = Math.max(
          1,
          ...table.rows.map((r) =>
            isMissing(r[column.name]) ? 0 : asciiBytes(String(r[column.name])).length,
          ),
        );
        return { column, width: longest, tform: `${longest}A` };
      }
    }
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
    if (f.column.type === 'int32') cards.push(card(`TNULL${n}`, INT32_NULL));
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
      switch (f.column.type) {
        case 'float64':
          view.setFloat64(offset, isMissing(v) ? Number.NaN : Number(v), false);
          break;
        case 'int32':
          view.setInt32(offset, isMissing(v) ? INT32_NULL : Math.trunc(Number(v)), false);
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
