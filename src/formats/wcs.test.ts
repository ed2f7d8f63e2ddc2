import { describe, expect, it } from 'vitest';
import { parseFits, writeFits } from '../fits/index.ts';
import { croppedWcs, hasCelestialWcs } from './wcs.ts';

const headerOf = (cards: Record<string, number | string>, side: number) =>
  parseFits(
    writeFits([{ bitpix: -32, shape: [side, side], data: new Float32Array(side * side), header: cards }]),
  ).hdus[0].header;

describe('croppedWcs', () => {
  it('moves the reference pixel by the centred crop of a 0.5″ map (50 → 40: five spaxels)', () => {
    const h = headerOf(
      {
        CTYPE1: 'RA---TAN',
        CTYPE2: 'DEC--TAN',
        CRPIX1: 25.5,
        CRPIX2: 25.5,
        CDELT1: -0.5 / 3600,
        CDELT2: 0.5 / 3600,
        CRVAL1: 211.7,
        CRVAL2: -1.2,
      },
      50,
    );
    const w = croppedWcs(h, 50, 50, 40);
    expect(w.CRPIX1.value).toBe(20.5);
    expect(w.CRPIX2.value).toBe(20.5);
    expect(w.CDELT1.value).toBe(-0.5 / 3600);
    expect(w.CRVAL1.value).toBe(211.7);
    expect(w.CTYPE2.value).toBe('DEC--TAN');
  });

  it('follows the resampling to 0.5″: a 1″ 25×25 map becomes 50×50, cropped to 40×40', () => {
    const h = headerOf(
      {
        CTYPE1: 'RA---TAN',
        CTYPE2: 'DEC--TAN',
        CRPIX1: 13,
        CRPIX2: 1,
        CD1_1: -1 / 3600,
        CD2_2: 1 / 3600,
        CRVAL1: 10,
        CRVAL2: 20,
      },
      25,
    );
    const w = croppedWcs(h, 25, 25, 40);
    expect(w.CRPIX1.value).toBeCloseTo(20.5, 12); // the centre stays the centre
    // pixel 1 (0-based 0) sits 12 input spaxels below the centre: 24 output spaxels, minus the crop of 5
    expect(w.CRPIX2.value).toBeCloseTo((0 - 12) * 2 + 24.5 - 5 + 1, 12);
    expect(w.CD1_1.value).toBeCloseTo(-0.5 / 3600, 15);
  });

  it('copies nothing from a header without a celestial pair', () => {
    const h = headerOf({ CTYPE1: 'WAVE', CTYPE2: 'DEC--TAN', CRPIX1: 1 }, 4);
    expect(hasCelestialWcs(h)).toBe(false);
    expect(croppedWcs(h, 4, 4, 40)).toEqual({});
  });
});
