/**
 * FITS writer for IMAGE HDUs (FITS Standard 4.0): fixed-format cards (Sect. 4.2), a primary HDU
 * plus IMAGE extensions, big-endian data, headers padded with spaces and data with zeros to
 * 2880-byte blocks. Long strings use the CONTINUE convention (Sect. 4.2.1.2).
 */
import type { FitsValue } from './cards.ts';
import { FitsError } from './errors.ts';
import { BLOCK } from './header.ts';

export interface ImageHduSpec {
  bitpix: 8 | 16 | 32 | 64 | -32 | -64;
  /** [NAXIS1, NAXIS2, ...]; [] for a header-only HDU. */
  shape: number[];
  /** Physical values in FITS order (NAXIS1 fastest). NaN allowed for float BITPIX, or with BLANK. */
  data?: ArrayLike<number>;
  extname?: string;
  /** Extra keywords. BSCALE/BZERO/BLANK given here are used to store integer data. */
  header?: Record<string, FitsValue | { value: FitsValue; comment?: string }>;
}

const WRITER = '<writeFits>';

/** Keywords the writer owns; a caller's copy would contradict the data layout. */
const STRUCTURAL = /^(SIMPLE|XTENSION|BITPIX|NAXIS\d*|EXTEND|PCOUNT|GCOUNT|GROUPS|END|EXTNAME)$/;
const KEYWORD = /^[A-Z0-9_-]{1,8}$/;

const INT_RANGE: Record<number, [number, number]> = {
  8: [0, 255],
  16: [-32768, 32767],
  32: [-2147483648, 2147483647],
  64: [-(2 ** 63), 2 ** 63 - 1],
};

/** Serializes the HDUs; hdus[0] becomes the primary HDU. */
export function writeFits(hdus: ImageHduSpec[]): Uint8Array {
  if (hdus.length === 0) throw new FitsError(WRITER, 'nothing to write (no HDUs)');
  const parts = hdus.map((spec, i) => encodeHdu(spec, i, hdus.length > 1));
  const total = parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function encodeHdu(spec: ImageHduSpec, index: number, hasExtensions: boolean): Uint8Array {
  const where = `HDU ${index}`;
  if (![8, 16, 32, 64, -32, -64].includes(spec.bitpix)) {
    throw new FitsError(WRITER, `${where}: BITPIX ${spec.bitpix} is not one of 8, 16, 32, 64, -32, -64`);
  }
  for (const n of spec.shape) {
    if (!Number.isInteger(n) || n < 0) throw new FitsError(WRITER, `${where}: axis length ${n} is invalid`);
  }
  const count = spec.shape.length === 0 ? 0 : spec.shape.reduce((a, b) => a * b, 1);
  const dataLength = spec.data?.length ?? 0;
  if (spec.data && dataLength !== count) {
    throw new FitsError(
      WRITER,
      `${where}: ${dataLength} values for shape ${spec.shape.join('×')} (${count})`,
    );
  }
  const cards: string[] = [];
  if (index === 0) cards.push(formatCard('SIMPLE', true, 'conforms to FITS standard'));
  else cards.push(formatCard('XTENSION', 'IMAGE', 'image extension'));
  cards.push(formatCard('BITPIX', spec.bitpix, 'array data type'));
  cards.push(formatCard('NAXIS', spec.shape.length, 'number of array dimensions'));
  spec.shape.forEach((n, i) => {
    cards.push(formatCard(`NAXIS${i + 1}`, n));
  });
  if (index === 0 && hasExtensions) cards.push(formatCard('EXTEND', true));
  if (index > 0) {
    cards.push(formatCard('PCOUNT', 0, 'number of parameters'));
    cards.push(formatCard('GCOUNT', 1, 'number of groups'));
  }
  if (spec.extname !== undefined) cards.push(formatCard('EXTNAME', spec.extname, 'extension name'));
  const extra: Record<string, FitsValue> = {};
  for (const [rawKey, entry] of Object.entries(spec.header ?? {})) {
    const key = rawKey.toUpperCase();
    if (!KEYWORD.test(key))
      throw new FitsError(WRITER, `${where}: keyword '${rawKey}' is not a FITS keyword`);
    if (STRUCTURAL.test(key)) throw new FitsError(WRITER, `${where}: keyword ${key} is set by the writer`);
    const { value, comment } =
      entry !== null && typeof entry === 'object' ? entry : { value: entry, comment: undefined };
    extra[key] = value;
    if (key === 'COMMENT' || key === 'HISTORY')
      cards.push(...commentary(key, String(value ?? comment ?? '')));
    else cards.push(...formatKeyword(key, value, comment, where));
  }
  cards.push('END'.padEnd(80));
  const headerText = cards.join('');
  const headerBytes = Math.ceil(headerText.length / BLOCK) * BLOCK;
  const dataBytes = count * (Math.abs(spec.bitpix) / 8);
  const out = new Uint8Array(headerBytes + Math.ceil(dataBytes / BLOCK) * BLOCK);
  for (let i = 0; i < headerBytes; i++) out[i] = i < headerText.length ? headerText.charCodeAt(i) : 0x20;
  if (count > 0) encodeData(spec, extra, out.subarray(headerBytes, headerBytes + dataBytes), count, where);
  return out;
}

function encodeData(
  spec: ImageHduSpec,
  extra: Record<string, FitsValue>,
  target: Uint8Array,
  count: number,
  where: string,
): void {
  const view = new DataView(target.buffer, target.byteOffset, target.byteLength);
  const data = spec.data;
  if (!data) return; // zeros
  const { bitpix } = spec;
  if (bitpix === -64) {
    for (let i = 0; i < count; i++) view.setFloat64(i * 8, data[i]);
    return;
  }
  if (bitpix === -32) {
    for (let i = 0; i < count; i++) view.setFloat32(i * 4, data[i]);
    return;
  }
  const bscale = numberOr(extra.BSCALE, 1);
  const bzero = numberOr(extra.BZERO, 0);
  const blank = extra.BLANK;
  const [lo, hi] = INT_RANGE[bitpix];
  for (let i = 0; i < count; i++) {
    const v = data[i];
    let stored: number | bigint;
    if (Number.isNaN(v)) {
      if (typeof blank !== 'number' && typeof blank !== 'bigint') {
        throw new FitsError(WRITER, `${where}: NaN in integer data needs a BLANK keyword`);
      }
      stored = blank;
    } else {
      const s = Math.round((v - bzero) / bscale);
      if (!(s >= lo && s <= hi)) {
        throw new FitsError(
          WRITER,
          `${where}: value ${v} does not fit BITPIX ${bitpix} with this BSCALE/BZERO`,
        );
      }
      stored = s;
    }
    switch (bitpix) {
      case 8:
        view.setUint8(i, Number(stored));
        break;
      case 16:
        view.setInt16(i * 2, Number(stored));
        break;
      case 32:
        view.setInt32(i * 4, Number(stored));
        break;
      case 64:
        view.setBigInt64(i * 8, BigInt(stored));
        break;
    }
  }
}

function numberOr(v: FitsValue | undefined, fallback: number): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  return fallback;
}

/** One fixed-format card: value right-justified to column 30, strings from column 11. */
export function formatCard(key: string, value: FitsValue, comment?: string): string {
  const lines = formatKeyword(key, value, comment, 'card');
  return lines[0];
}

function formatKeyword(key: string, value: FitsValue, comment: string | undefined, where: string): string[] {
  const head = `${key.padEnd(8)}= `;
  if (typeof value === 'string') return formatString(head, value, comment);
  let text: string;
  if (value === null) text = '';
  else if (typeof value === 'boolean') text = (value ? 'T' : 'F').padStart(20);
  else if (typeof value === 'bigint') text = value.toString().padStart(20);
  else text = formatNumber(value, key, where).padStart(20);
  return [withComment(head + text, comment)];
}

function formatNumber(v: number, key: string, where: string): string {
  if (!Number.isFinite(v)) throw new FitsError(WRITER, `${where}: ${key} = ${v} cannot be written in FITS`);
  if (Number.isInteger(v) && Math.abs(v) < 1e15) return v.toFixed(0);
  let s = String(v).toUpperCase();
  // FITS reals need a decimal point in the mantissa: 1E-7 → 1.E-7.
  if (!s.includes('.')) s = s.includes('E') ? s.replace('E', '.E') : `${s}.`;
  return s;
}

function withComment(card: string, comment: string | undefined): string {
  let text = card;
  if (comment) {
    const room = 80 - text.length - 3;
    if (room > 0) text += ` / ${comment.slice(0, room)}`;
  }
  return text.padEnd(80).slice(0, 80);
}

function formatString(head: string, value: string, comment: string | undefined): string[] {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) throw new FitsError(WRITER, `string '${value}' has a non-printable character`);
  }
  const escaped = value.replace(/'/g, "''");
  if (escaped.length <= 68) {
    // Strings are at least 8 characters between the quotes (Standard 4.2.1.1).
    return [withComment(`${head}'${escaped.padEnd(8)}'`, comment)];
  }
  // CONTINUE: each piece ends with '&'; never split an escaped quote pair.
  const cards: string[] = [];
  let rest = value;
  let first = true;
  while (rest.length > 0) {
    const room = first ? 67 : 67;
    let piece = '';
    let used = 0;
    while (used < rest.length) {
      const ch = rest[used];
      const add = ch === "'" ? 2 : 1;
      if (piece.length + add > room) break;
      piece += ch === "'" ? "''" : ch;
      used++;
    }
    rest = rest.slice(used);
    const last = rest.length === 0;
    const body = `'${piece}${last ? '' : '&'}'`;
    cards.push(first ? `${head}${body}`.padEnd(80) : `CONTINUE  ${body}`.padEnd(80));
    first = false;
  }
  if (comment) cards[cards.length - 1] = withComment(cards[cards.length - 1].trimEnd(), comment);
  return cards;
}

function commentary(key: string, text: string): string[] {
  const out: string[] = [];
  const clean = text.replace(/[^\x20-\x7e]/g, ' ');
  for (let i = 0; i < Math.max(1, clean.length); i += 72)
    out.push(`${key.padEnd(8)}${clean.slice(i, i + 72)}`.padEnd(80));
  return out;
}
