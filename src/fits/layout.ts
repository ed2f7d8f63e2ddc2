/**
 * HDU layout from the mandatory keywords (FITS Standard 4.0, Sect. 4.4.1, 7): type, BITPIX,
 * NAXISn and the data size Nbits = |BITPIX| × GCOUNT × (PCOUNT + NAXIS1 × … × NAXISm),
 * where random groups (NAXIS1 = 0, GROUPS = T) leave NAXIS1 out of the product.
 */
import { FitsProblem } from './errors.ts';
import type { Header } from './header.ts';
import { checkKeywordTypes, describe } from './keywords.ts';

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

export class LayoutProblem extends FitsProblem {}

/** XTENSION values read (Standard 4.0, Sect. 7). */
const XTENSIONS = ['IMAGE', 'BINTABLE', 'TABLE'];

/**
 * Reads and checks the mandatory keywords of the header of HDU `index` (Sect. 4.4.1): SIMPLE = T
 * first in the primary header, or a known XTENSION first in an extension; then BITPIX, NAXIS and
 * NAXIS1..NAXISn in that order; in an extension PCOUNT and GCOUNT next, with the values its type
 * requires; TFIELDS in tables; GROUPS, PCOUNT, GCOUNT in random groups. Also checks the type of
 * every reserved keyword (keywords.ts). Problems name the keyword; the reader adds file and HDU.
 */
export function layoutOf(header: Header, index: number, lenient = false): HduLayout {
  const first = header.leadingCard();
  let xtension = 'PRIMARY';
  if (index === 0) {
    if (first?.key !== 'SIMPLE') throw new LayoutProblem('not a FITS file (first card is not SIMPLE)');
    if (first.value !== true) {
      throw new LayoutProblem(
        `SIMPLE = ${describe(first.value)}: not a standard FITS file (needs SIMPLE = T)`,
      );
    }
  } else {
    if (first?.key !== 'XTENSION' || typeof first.value !== 'string') {
      throw new LayoutProblem("extension header does not start with XTENSION = '<type>'");
    }
    xtension = first.value.trimEnd();
    if (!XTENSIONS.includes(xtension)) throw new LayoutProblem(`unsupported XTENSION '${xtension}'`);
  }
  for (const key of ['SIMPLE', 'XTENSION']) {
    if (header.position(key) > 0)
      throw new LayoutProblem(`${key} card in the middle of the header (card ${header.position(key) + 1})`);
  }
  checkKeywordTypes(header, lenient);
  expectAt(header, 'BITPIX', 1);
  expectAt(header, 'NAXIS', 2);
  const bitpixValue = header.get('BITPIX');
  if (typeof bitpixValue !== 'number' || !(VALID_BITPIX as readonly number[]).includes(bitpixValue)) {
    throw new LayoutProblem(`BITPIX = ${formatValue(bitpixValue)} is not one of ${VALID_BITPIX.join(', ')}`);
  }
  const bitpix = bitpixValue as Bitpix;
  const naxisCount = integerKeyword(header, 'NAXIS', 0, MAX_NAXIS);
  const naxis: number[] = [];
  for (let i = 1; i <= naxisCount; i++) {
    expectAt(header, `NAXIS${i}`, 2 + i);
    naxis.push(integerKeyword(header, `NAXIS${i}`, 0, MAX_AXIS));
  }
  const extra = `NAXIS${naxisCount + 1}`;
  if (header.present(extra)) throw new LayoutProblem(`${extra} is present but NAXIS = ${naxisCount}`);
  const groups = index === 0 && naxisCount > 0 && naxis[0] === 0 && header.get('GROUPS') === true;
  const isExtension = index > 0;
  if (isExtension) {
    expectAt(header, 'PCOUNT', 3 + naxisCount);
    expectAt(header, 'GCOUNT', 4 + naxisCount);
  } else if (header.present('EXTEND') && header.position('EXTEND') < 3 + naxisCount) {
    throw new LayoutProblem(`EXTEND comes before NAXIS${naxisCount} (card ${header.position('EXTEND') + 1})`);
  }
  if (groups)
    for (const key of ['PCOUNT', 'GCOUNT'])
      if (!header.present(key)) throw new LayoutProblem(`random groups without ${key}`);
  const pcount = isExtension || groups ? integerKeyword(header, 'PCOUNT', 0, Number.MAX_SAFE_INTEGER) : 0;
  const gcount = isExtension || groups ? integerKeyword(header, 'GCOUNT', 0, Number.MAX_SAFE_INTEGER) : 1;

  let type: HduType;
  if (groups) type = 'groups';
  else if (!isExtension || xtension === 'IMAGE') type = 'image';
  else if (xtension === 'BINTABLE') type = header.get('ZIMAGE') === true ? 'compressed-image' : 'bintable';
  else type = 'table';
  if (isExtension) {
    if (gcount !== 1) throw new LayoutProblem(`GCOUNT = ${gcount} in an ${xtension} extension (must be 1)`);
    if ((type === 'image' || type === 'table') && pcount !== 0) {
      throw new LayoutProblem(`PCOUNT = ${pcount} in an ${xtension} extension (must be 0)`);
    }
  }
  if (type === 'bintable' || type === 'table' || type === 'compressed-image') {
    if (bitpix !== 8) throw new LayoutProblem(`${xtension} extension must have BITPIX = 8, not ${bitpix}`);
    if (naxisCount !== 2)
      throw new LayoutProblem(`${xtension} extension must have NAXIS = 2, not ${naxisCount}`);
    if (!header.present('TFIELDS')) throw new LayoutProblem(`${xtension} extension without TFIELDS`);
    // A table's TFIELDS follows GCOUNT (Sect. 7.2.1, 7.3.1); astropy does not ask it of compressed images.
    if (type !== 'compressed-image') expectAt(header, 'TFIELDS', 5 + naxisCount);
  }
  if (groups) {
    for (let i = 1; i <= pcount; i++) {
      if (!header.present(`PTYPE${i}`))
        throw new LayoutProblem(`random groups with PCOUNT = ${pcount} but no PTYPE${i}`);
    }
  }

  let elements = naxisCount === 0 ? 0 : 1;
  for (let i = groups ? 1 : 0; i < naxisCount; i++) elements *= naxis[i];
  const bits = Math.abs(bitpix) * gcount * (pcount + elements);
  const dataBytes = bits / 8;
  if (!Number.isSafeInteger(dataBytes)) {
    throw new LayoutProblem(`absurd data size (NAXISn = ${naxis.join(' × ')})`);
  }
  return { type, bitpix, naxis, pcount, gcount, dataBytes, xtension };
}

/** The mandatory keyword `key` must be card `at` (0-based) of the header. */
function expectAt(header: Header, key: string, at: number): void {
  const found = header.position(key);
  if (found === at) return;
  throw new LayoutProblem(
    found < 0
      ? `mandatory keyword ${key} is missing`
      : `mandatory keyword ${key} is card ${found + 1}, not card ${at + 1}`,
  );
}

function integerKeyword(header: Header, key: string, min: number, max: number): number {
  const v = header.get(key);
  if (v === undefined) throw new LayoutProblem(`${key} is missing or unreadable`);
  if (typeof v === 'bigint') throw new LayoutProblem(`absurd ${key} = ${v}`);
  if (typeof v !== 'number' || !Number.isInteger(v)) {
    throw new LayoutProblem(`${key} = ${formatValue(v)} is not an integer`);
  }
  if (v < min) throw new LayoutProblem(`${key} = ${v} is negative`);
  if (v > max) throw new LayoutProblem(`absurd ${key} = ${v}`);
  return v;
}

function formatValue(v: unknown): string {
  if (v === undefined) return '(missing or unreadable)';
  return typeof v === 'string' ? `'${v}'` : String(v);
}
