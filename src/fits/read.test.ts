import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseFits, readFitsFile, readFitsFileSync } from './read.ts';
import { writeFits } from './write.ts';

const DIR = join(import.meta.dirname, '../../test/fixtures/fits');
const SAMI = join(DIR, '105420_stellar-velocity_default_two-moment.fits');

describe('reader', () => {
  it('parseFits never changes the caller’s bytes, even after decoding every HDU', () => {
    const bytes = new Uint8Array(readFileSync(SAMI));
    const before = bytes.slice();
    const fits = parseFits(bytes, 'sami.fits');
    for (const h of fits.hdus) h.image();
    expect(Buffer.compare(bytes, before)).toBe(0);
  });

  it('gives the same values from disk (decoded in place) and from memory, raw() before or after image()', async () => {
    const fromMemory = parseFits(new Uint8Array(readFileSync(SAMI)), 'sami.fits');
    const fromDisk = await readFitsFile(SAMI);
    const sync = readFitsFileSync(SAMI);
    for (let i = 0; i < 5; i++) {
      const want = fromMemory.hdus[i].image();
      const raw = sync.hdus[i].raw();
      expect(fromDisk.hdus[i].image()).toEqual(want);
      expect(fromDisk.hdus[i].raw()).toEqual(want);
      expect(sync.hdus[i].image()).toEqual(want);
      expect(raw).toEqual(want);
      expect(fromDisk.hdus[i].image()).toBe(fromDisk.hdus[i].image()); // cached
    }
  });

  it('keeps stored integers in raw() and physical values in image() (uint16 via BZERO 32768)', () => {
    const fits = readFitsFileSync(join(DIR, 'o4sp040b0_raw.fits'));
    const sci = fits.hdu('sci');
    expect(sci?.index).toBe(1);
    const raw = sci?.raw() as Int16Array;
    const image = sci?.image() as Float64Array;
    expect(raw).toBeInstanceOf(Int16Array);
    for (let i = 0; i < raw.length; i++) expect(image[i]).toBe(raw[i] + 32768);
    expect(fits.hdu(99)).toBeUndefined();
    expect(fits.hdu('PRIMARY')?.index).toBe(0);
  });

  it('reads binary table cells with units (checksum.fits RATE, values from astropy)', () => {
    const rate = readFitsFileSync(join(DIR, 'checksum.fits')).hdu('RATE');
    expect(rate?.table().columns.map((c) => [c.name, c.form, c.unit])).toEqual([
      ['TIME', 'D', 'd'],
      ['RATE', 'E', 'counts/s'],
      ['ERROR', 'E', 'counts/s'],
    ]);
    expect(rate?.column('TIME')).toEqual([
      735.372046425924, 735.3731574259291, 737.0634814259247, 737.0645349259285, 737.065588425925,
    ]);
    expect(rate?.column(2)).toEqual([
      23.59463882446289, 23.850025177001953, 12.800036430358887, 28.131614685058594, 28.83905792236328,
    ]);
  });

  it('reads scaled, string, complex and variable-length binary cells and ASCII table cells (testprog.std)', () => {
    const fits = readFitsFileSync(join(DIR, 'testprog.std'));
    const bin = fits.hdus[1];
    expect(bin.column('Jvalue').slice(0, 4)).toEqual([0, 1000, 10000, 32800]);
    expect(bin.column('Avalue').slice(0, 2)).toEqual(['', '']);
    expect(bin.column('Cvalue')[0]).toEqual([0, 0]);
    expect(bin.column('Xvalue')[0]).toHaveLength(16);
    expect(fits.hdus[5].column('Ivalue').slice(0, 4)).toEqual([[1], [88, 2], [1, 88, 3], [1, 2, 88, 4]]);
    const ascii = fits.hdus[3];
    expect(ascii.column('Name').slice(0, 4)).toEqual(['first string', 'second string', '', '']);
    // Blank fields are null; astropy shows NaN for the float column and 0 for the integer one
    // (numpy integers have no NaN).
    expect(ascii.column('Ivalue').slice(0, 4)).toEqual([1, 2, null, null]);
    expect(ascii.column('Dvalue').slice(0, 4)).toEqual([1, 2, null, null]);
  });
});

describe('memory', () => {
  it('decodes a SAMI plane in place but copies a small plane out of a much larger file', () => {
    const sami = readFitsFileSync(SAMI).hdus[0].image();
    expect(sami.buffer.byteLength).toBe(115200); // a view into the file buffer: no copy
    const path = join(mkdtempSync(join(tmpdir(), 'galspin-read-')), 'big.fits');
    const big = new Float64Array(100 * 100).map((_, i) => i);
    writeFileSync(
      path,
      writeFits([
        { bitpix: -64, shape: [100, 100], data: big },
        { bitpix: -64, shape: [3, 2], data: [1, 2, 3, 4, 5, 6], extname: 'SMALL' },
      ]),
    );
    const fits = readFitsFileSync(path);
    const small = fits.hdu('SMALL')?.image() as Float64Array;
    expect(Array.from(small)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(small.buffer.byteLength).toBe(48); // its own buffer: the file can be freed
    expect(fits.hdus[0].image()).toEqual(big);
    rmSync(join(path, '..'), { recursive: true, force: true });
  });
});
