/**
 * HDU layout from the mandatory keywords (FITS Standard 4.0, Sect. 4.4.1, 7): type, BITPIX,
 * NAXISn and the data size Nbits = |BITPIX| × GCOUNT × (PCOUNT + NAXIS1 × … × NAXISm),
 * where random groups (NAXIS1 = 0, GROUPS = T) leave NAXIS1 out of the product.
 */
import type { Header } from './header.ts';

export type HduType = 'image' | 'bintable' | 'table' | 'compressed-image' | 'groups';

export const VALID_BITPIX = [8, 16, 32, 64, -32, -64] as const;
export type Bitpix = (typeof VALID_BITPIX)[number];

/** Upper bound on one axis; larger values are corrupt headers, not data. */
const MAX_AXIS = 2 ** 31 - 1;
const MAX_NAXIS = 999;

export interface HduLayout {
  type: HduType;
  /** BITPIX of the stored data unit (8 for tables). */
  bitpix: Bitpix;
  /** NAXIS1..NAXISn of the stored data unit. */
  naxis: number[];
  pcount: number;
  gcount: number;
  /** Bytes of data, without the padding to the next 2880 boundary. */
  dataBytes: number;
  /** The XTENSION value, or 'PRIMARY'. */
  xtension: string;
}

export class LayoutProblem extends Error {}

/** Reads and checks the mandatory keywords of the header of HDU `index`. */
export function layoutOf(header: Header, index: number): HduLayout {
  const first = header.leadingCard();
  let xtension = 'PRIMARY';
  if (index === 0) {
    if (first?.key !== 'SIMPLE') throw new LayoutProblem('not a FITS file (first card is not SIMPLE)');
  } else {
    if (first?.key !== 'XTENSION' || typeof first.value !== 'string') {
      throw new LayoutProblem(`HDU ${index}: extension header does not start with XTENSION`);
    }
    xtension = first.value.trim().toUpperCase();
  }
  const bitpixValue = header.get('BITPIX');
  if (typeof bitpixValue !== 'number' || !(VALID_BITPIX as readonly number[]).includes(bitpixValue)) {
    throw new LayoutProblem(
      `HDU ${index}: BITPIX = ${formatValue(bitpixValue)} is not one of ${VALID_BITPIX.join(', ')}`,
    );
  }
  const bitpix = bitpixValue as Bitpix;
  const naxisCount = integerKeyword(header, 'NAXIS', index, 0, MAX_NAXIS);
  const naxis: number[] = [];
  for (let i = 1; i <= naxisCount; i++) naxis.push(integerKeyword(header, `NAXIS${i}`, index, 0, MAX_AXIS));
  const groups = index === 0 && naxisCount > 0 && naxis[0] === 0 && header.get('GROUPS') === true;
  const isExtension = index > 0;
  const pcount = isExtension || groups ? optionalInteger(header, 'PCOUNT', index, 0) : 0;
  const gcount = isExtension || groups ? optionalInteger(header, 'GCOUNT', index, 1) : 1;

  let type: HduType;
  if (groups) type = 'groups';
  else if (!isExtension || xtension === 'IMAGE') type = 'image';
  else if (xtension === 'BINTABLE' || xtension === 'A3DTABLE')
    type = header.get('ZIMAGE') === true ? 'compressed-image' : 'bintable';
  else if (xtension === 'TABLE') type = 'table';
  else throw new LayoutProblem(`HDU ${index}: unsupported XTENSION '${xtension}'`);
  if ((type === 'bintable' || type === 'table' || type === 'compressed-image') && bitpix !== 8) {
    throw new LayoutProblem(`HDU ${index}: ${xtension} extension must have BITPIX = 8, not ${bitpix}`);
  }

  let elements = naxisCount === 0 ? 0 : 1;
  for (let i = groups ? 1 : 0; i < naxisCount; i++) elements *= naxis[i];
  const bits = Math.abs(bitpix) * gcount * (pcount + elements);
  const dataBytes = bits / 8;
  if (!Number.isSafeInteger(dataBytes)) {
    throw new LayoutProblem(`HDU ${index}: absurd data size (NAXISn = ${naxis.join(' × ')})`);
  }
  return { type, bitpix, naxis, pcount, gcount, dataBytes, xtension };
}

function integerKeyword(header: Header, key: string, index: number, min: number, max: number): number {
  const v = header.get(key);
  if (v === undefined) throw new LayoutProblem(`HDU ${index}: ${key} is missing or unreadable`);
  if (typeof v === 'bigint') throw new LayoutProblem(`HDU ${index}: absurd ${key} = ${v}`);
  if (typeof v !== 'number' || !Number.isInteger(v)) {
    throw new LayoutProblem(`HDU ${index}: ${key} = ${formatValue(v)} is not an integer`);
  }
  if (v < min) throw new LayoutProblem(`HDU ${index}: ${key} = ${v} is negative`);
  if (v > max) throw new LayoutProblem(`HDU ${index}: absurd ${key} = ${v}`);
  return v;
}

function optionalInteger(header: Header, key: string, index: number, fallback: number): number {
  return header.has(key) ? integerKeyword(header, key, index, 0, Number.MAX_SAFE_INTEGER) : fallback;
}

function formatValue(v: unknown): string {
  if (v === undefined) return '(missing or unreadable)';
  return typeof v === 'string' ? `'${v}'` : String(v);
}
