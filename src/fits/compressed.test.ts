/**
 * Tile-compressed images and random groups written by astropy (testdata/make_fixtures.py), read
 * back and compared with the values astropy itself reads (testdata/expected.json).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readFitsFileSync } from './read.ts';
import { imageStats } from './stats.ts';

const DIR = join(import.meta.dirname, 'testdata');
const EXPECTED = JSON.parse(readFileSync(join(DIR, 'expected.json'), 'utf8')) as Record<
  string,
  {
    hdu: number;
    zbitpix: number;
    naxis: number[];
    nan: number;
    finite: number;
    min: number;
    max: number;
    sum: number;
    probes: [number, number | null][];
  }
>;

const close = (a: number | null, b: number) => {
  expect(a).not.toBeNull();
  expect(Math.abs((a as number) - b)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(b)));
};

describe('tile-compressed images match astropy', () => {
  for (const [name, want] of Object.entries(EXPECTED)) {
    if (name === 'groups.fits') continue;
    it(name, () => {
      const hdu = readFitsFileSync(join(DIR, name)).hdus[want.hdu];
      expect(hdu.type).toBe('compressed-image');
      expect(hdu.bitpix).toBe(want.zbitpix);
      expect(hdu.naxis).toEqual(want.naxis);
      const image = hdu.image();
      const stats = imageStats(image);
      expect(stats.nan).toBe(want.nan);
      expect(stats.finite).toBe(want.finite);
      close(stats.min, want.min);
      close(stats.max, want.max);
      close(stats.sum, want.sum);
      for (const [i, v] of want.probes) {
        if (v === null) expect(Number.isNaN(image[i])).toBe(true);
        else close(image[i], v);
      }
    });
  }
});

describe('random groups', () => {
  it('are reported as groups and stepped over to the next HDU', () => {
    const fits = readFitsFileSync(join(DIR, 'groups.fits'));
    expect(fits.hdus.map((h) => h.type)).toEqual(['groups', 'image']);
    expect(fits.hdus[0].naxis[0]).toBe(0);
    expect(() => fits.hdus[0].image()).toThrow(/HDU 0 is a groups, not an image/);
    const want = EXPECTED['groups.fits'];
    const after = fits.hdu('AFTER');
    expect(after?.naxis).toEqual(want.naxis);
    expect(Array.from(after?.image() ?? [])).toEqual([0, 1, 2, 3, 4, 5]);
    expect(imageStats(after?.image() ?? []).sum).toBe(want.sum);
  });
});
