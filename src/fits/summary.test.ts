import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseFits, readFitsFile } from './read.ts';
import { summarizeFits } from './summary.ts';
import { writeFits } from './write.ts';

const DIR = join(import.meta.dirname, '../../test/fixtures/fits');

describe('summarizeFits', () => {
  it('gives image statistics and nulls for tables and empty HDUs (checksum.fits, astropy values)', async () => {
    const summary = summarizeFits(await readFitsFile(join(DIR, 'checksum.fits')));
    expect(summary.hdus[0]).toMatchObject({
      index: 0,
      extname: 'PRIMARY',
      type: 'image',
      bitpix: 16,
      naxis: [30, 40],
    });
    expect(summary.hdus[0]).toMatchObject({ nan: 0, finite: 1200, min: 4, max: 342, sum: 251496 });
    expect(summary.hdus[1]).toEqual({
      index: 1,
      extname: 'RATE',
      type: 'bintable',
      bitpix: 8,
      naxis: [16, 5],
      nan: null,
      finite: null,
      min: null,
      max: null,
      sum: null,
      rows: 5,
    });
  });

  it('counts NaN and excludes infinities from min/max/sum', () => {
    const data = [1, Number.NaN, 3, Number.POSITIVE_INFINITY, -2, Number.NaN];
    const s = summarizeFits(parseFits(writeFits([{ bitpix: -64, shape: [3, 2], data }]), 'x.fits'));
    expect(s.hdus[0]).toMatchObject({ nan: 2, finite: 3, min: -2, max: 3, sum: 2 });
    const allNaN = summarizeFits(
      parseFits(writeFits([{ bitpix: -32, shape: [2], data: [Number.NaN, Number.NaN] }])),
    );
    expect(allNaN.hdus[0]).toMatchObject({ nan: 2, finite: 0, min: null, max: null, sum: null });
  });
});
