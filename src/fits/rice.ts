/**
 * Rice decompression of one tile, as in CFITSIO's fits_rdecomp (White, Greenfield, Pence & Tody
 * 2013, "Tiled image convention for storing compressed images in FITS binary tables", Sect. 4.1).
 * Input: the compressed bytes of a tile; output: `count` integers of `bytepix` bytes each.
 */

import { FitsProblem } from './errors.ts';
export class RiceProblem extends FitsProblem {}

const PARAMS: Record<1 | 2 | 4, { fsbits: number; fsmax: number; bbits: number }> = {
  1: { fsbits: 3, fsmax: 6, bbits: 8 },
  2: { fsbits: 4, fsmax: 14, bbits: 16 },
  4: { fsbits: 5, fsmax: 25, bbits: 32 },
};

/**
 * Decodes into `out` (Uint8Array for 1 byte, Int16Array for 2, Int32Array for 4); the typed
 * array's own wrap-around gives CFITSIO's modular arithmetic on the differences. Returns the
 * number of input bytes the decoder read (CFITSIO's `c - c0`): a well-formed tile is read exactly
 * to its end.
 */
export function riceDecompress(
  input: Uint8Array,
  out: Uint8Array | Int16Array | Int32Array,
  bytepix: 1 | 2 | 4,
  blockSize: number,
): number {
  const { fsbits, fsmax, bbits } = PARAMS[bytepix];
  const n = out.length;
  const len = input.length;
  if (len < bytepix + 1) {
    if (n === 0) return 0;
    throw new RiceProblem('Rice tile is shorter than its header');
  }
  let c = 0;
  let lastpix = 0;
  for (let k = 0; k < bytepix; k++) lastpix = lastpix * 256 + input[c++];
  lastpix = bytepix === 4 ? lastpix | 0 : lastpix;
  // A read past the end yields 0 bits; `overrun` turns that into an error once the tile is done.
  let overrun = false;
  const next = (): number => {
    if (c >= len) {
      overrun = true;
      c++;
      return 0;
    }
    return input[c++];
  };
  let b = next();
  let nbits = 8;
  let i = 0;
  while (i < n) {
    nbits -= fsbits;
    while (nbits < 0) {
      b = ((b << 8) | next()) >>> 0;
      nbits += 8;
    }
    const fs = (b >>> nbits) - 1;
    b &= (1 << nbits) - 1;
    let imax = i + blockSize;
    if (imax > n) imax = n;
    if (fs < 0) {
      for (; i < imax; i++) out[i] = lastpix;
    } else if (fs === fsmax) {
      for (; i < imax; i++) {
        let k = bbits - nbits;
        let diff = k >= 32 ? 0 : (b << k) >>> 0;
        for (k -= 8; k >= 0; k -= 8) {
          b = next();
          diff = (diff | (b << k)) >>> 0;
        }
        if (nbits > 0) {
          b = next();
          diff = (diff | (b >>> -k)) >>> 0;
          b &= (1 << nbits) - 1;
        } else {
          b = 0;
        }
        const d = (diff & 1) === 0 ? diff >>> 1 : ~(diff >>> 1);
        out[i] = d + lastpix;
        lastpix = out[i];
      }
    } else {
      for (; i < imax; i++) {
        while (b === 0) {
          if (overrun) throw new RiceProblem('Rice tile ends before all its pixels');
          nbits += 8;
          b = next();
        }
        const nzero = nbits - (32 - Math.clz32(b));
        nbits -= nzero + 1;
        b ^= 1 << nbits;
        nbits -= fs;
        while (nbits < 0) {
          b = ((b << 8) | next()) >>> 0;
          nbits += 8;
        }
        const diff = ((nzero << fs) | (b >>> nbits)) >>> 0;
        b &= (1 << nbits) - 1;
        const d = (diff & 1) === 0 ? diff >>> 1 : ~(diff >>> 1);
        out[i] = d + lastpix;
        lastpix = out[i];
      }
    }
    if (overrun) throw new RiceProblem('Rice tile ends before all its pixels');
  }
  return c;
}
