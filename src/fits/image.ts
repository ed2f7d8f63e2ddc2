/**
 * Image data decoding (FITS Standard 4.0, Sect. 5.2 and 4.4.2.5): big-endian values of
 * BITPIX 8/16/32/64/−32/−64, physical = BZERO + BSCALE × stored, integer BLANK → NaN.
 */

import { HOST_IS_LITTLE_ENDIAN, hostOrderCopy } from './endian.ts';
import { FitsProblem } from './errors.ts';
import type { Header } from './header.ts';
import type { Bitpix } from './layout.ts';

export type RawImage = Uint8Array | Int16Array | Int32Array | BigInt64Array | Float32Array | Float64Array;

export interface Scaling {
  bscale: number;
  bzero: number;
  /** Stored integer that marks an undefined pixel (integer BITPIX only). */
  blank?: number | bigint;
}

/** Host-order typed array of the stored values (no scaling), copied out of `bytes`. */
export function decodeRaw(bytes: Uint8Array, bitpix: Bitpix, count: number): RawImage {
  const width = (Math.abs(bitpix) / 8) as 1 | 2 | 4 | 8;
  const buffer = hostOrderCopy(bytes, width, count);
  switch (bitpix) {
    case 8:
      return new Uint8Array(buffer);
    case 16:
      return new Int16Array(buffer);
    case 32:
      return new Int32Array(buffer);
    case 64:
      return new BigInt64Array(buffer);
    case -32:
      return new Float32Array(buffer);
    case -64:
      return new Float64Array(buffer);
  }
}

/** Applies scaling and BLANK to already host-order stored values. */
export function scaleRaw(raw: RawImage, scaling: Scaling, isFloat: boolean): Float64Array {
  const { bscale, bzero } = scaling;
  const count = raw.length;
  const out = new Float64Array(count);
  if (raw instanceof BigInt64Array) {
    const blank = scaling.blank === undefined ? undefined : BigInt(scaling.blank);
    for (let i = 0; i < count; i++) {
      const v = raw[i];
      out[i] = v === blank ? Number.NaN : Number(v) * bscale + bzero;
    }
    return out;
  }
  const values = raw as Exclude<RawImage, BigInt64Array>;
  // BLANK only applies to integer data; a BLANK outside the stored range can never match.
  const blank = isFloat || scaling.blank === undefined ? Number.NaN : Number(scaling.blank);
  if (!Number.isNaN(blank)) {
    for (let i = 0; i < count; i++) {
      const v = values[i];
      out[i] = v === blank ? Number.NaN : v * bscale + bzero;
    }
  } else if (bscale === 1 && bzero === 0) {
    out.set(values);
  } else {
    for (let i = 0; i < count; i++) out[i] = values[i] * bscale + bzero;
  }
  return out;
}

/**
 * Byte-swaps `count` big-endian values at `start` of `buffer` in place and returns a typed view
 * over them. `start` must be a multiple of the value width. Mutates the buffer: only for bytes the
 * reader owns.
 */
export function viewInPlace(buffer: ArrayBuffer, start: number, count: number, bitpix: Bitpix): RawImage {
  const width = Math.abs(bitpix) / 8;
  if (width > 1 && HOST_IS_LITTLE_ENDIAN && count > 0) {
    const buf = Buffer.from(buffer, start, count * width);
    if (width === 2) buf.swap16();
    else if (width === 4) buf.swap32();
    else buf.swap64();
  }
  switch (bitpix) {
    case 8:
      return new Uint8Array(buffer, start, count);
    case 16:
      return new Int16Array(buffer, start, count);
    case 32:
      return new Int32Array(buffer, start, count);
    case 64:
      return new BigInt64Array(buffer, start, count);
    case -32:
      return new Float32Array(buffer, start, count);
    case -64:
      return new Float64Array(buffer, start, count);
  }
}

/** Stored-value range of each integer BITPIX (BITPIX 8 is unsigned). */
const INTEGER_RANGE: Record<number, [bigint, bigint]> = {
  8: [0n, 255n],
  16: [-32768n, 32767n],
  32: [-2147483648n, 2147483647n],
  64: [-(2n ** 63n), 2n ** 63n - 1n],
};

/**
 * BSCALE, BZERO and BLANK of an image HDU (Standard 4.0, Sect. 4.4.2.5): types are checked by
 * keywords.ts. BLANK must be an integer the stored type can hold, and only integer data may have
 * one. Strict: anything else is an error. Lenient: such a BLANK is ignored with a warning, as
 * astropy does.
 */
export function imageScaling(
  header: Header,
  bitpix: number,
  lenient: boolean,
  warn: (message: string) => void,
): Scaling {
  const bscale = header.getNumber('BSCALE') ?? 1;
  const bzero = header.getNumber('BZERO') ?? 0;
  const value = header.get('BLANK');
  if (value === undefined) return { bscale, bzero };
  let problem: string | undefined;
  if (bitpix < 0) problem = `BLANK = ${String(value)} with floating-point data (BITPIX = ${bitpix})`;
  else if (typeof value !== 'bigint' && !(typeof value === 'number' && Number.isInteger(value))) {
    problem = `BLANK = ${typeof value === 'string' ? `'${value}'` : String(value)} is not an integer`;
  } else {
    const [lo, hi] = INTEGER_RANGE[bitpix];
    const v = BigInt(value);
    if (v < lo || v > hi) problem = `BLANK = ${v} is outside the range of BITPIX = ${bitpix}`;
  }
  if (problem === undefined) return { bscale, bzero, blank: value as number | bigint };
  if (!lenient) throw new ImageProblem(problem);
  warn(`${problem}; BLANK ignored`);
  return { bscale, bzero };
}

export class ImageProblem extends FitsProblem {}
