import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FitsError } from './errors.ts';
import { parseFits } from './read.ts';
import { type ImageHduSpec, writeFits } from './write.ts';

type Bitpix = ImageHduSpec['bitpix'];

const VALUE: Record<Bitpix, fc.Arbitrary<number>> = {
  8: fc.integer({ min: 0, max: 255 }),
  16: fc.integer({ min: -32768, max: 32767 }),
  32: fc.integer({ min: -2147483648, max: 2147483647 }),
  64: fc.maxSafeInteger(),
  '-32': fc.float(),
  '-64': fc.double(),
} as unknown as Record<Bitpix, fc.Arbitrary<number>>;

const shapeArb = fc.array(fc.integer({ min: 1, max: 12 }), { minLength: 1, maxLength: 3 });

function imageArb(bitpix: Bitpix): fc.Arbitrary<ImageHduSpec> {
  return shapeArb.chain((shape) => {
    const n = shape.reduce((a, b) => a * b, 1);
    return fc
      .array(VALUE[bitpix], { minLength: n, maxLength: n })
      .map((data) => ({ bitpix, shape, data }) satisfies ImageHduSpec);
  });
}

function sameValues(actual: Float64Array, expected: ArrayLike<number>): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (!Object.is(actual[i], expected[i])) expect([i, actual[i]]).toEqual([i, expected[i]]);
  }
}

describe('writeFits → parseFits round trip', () => {
  for (const bitpix of [8, 16, 32, 64, -32, -64] as Bitpix[]) {
    it(`BITPIX ${bitpix}: random images come back bit for bit`, () => {
      fc.assert(
        fc.property(imageArb(bitpix), imageArb(bitpix), (primary, ext) => {
          const bytes = writeFits([primary, { ...ext, extname: 'SCI' }]);
          expect(bytes.length % 2880).toBe(0);
          const fits = parseFits(bytes, 'roundtrip.fits');
          expect(fits.hdus).toHaveLength(2);
          expect(fits.hdus[0].bitpix).toBe(bitpix);
          expect(fits.hdus[0].naxis).toEqual(primary.shape);
          expect(fits.hdu('SCI')?.naxis).toEqual(ext.shape);
          sameValues(fits.hdus[0].image(), primary.data as number[]);
          sameValues(fits.hdus[1].image(), ext.data as number[]);
        }),
        { numRuns: 40 },
      );
    });
  }

  it('stores unsigned 16-bit through BZERO 32768', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 65535 }), { minLength: 1, maxLength: 300 }), (data) => {
        const bytes = writeFits([
          { bitpix: 16, shape: [data.length], data, header: { BZERO: 32768, BSCALE: 1 } },
        ]);
        const hdu = parseFits(bytes).hdus[0];
        sameValues(hdu.image(), data);
        expect(hdu.raw()).toBeInstanceOf(Int16Array);
      }),
      { numRuns: 30 },
    );
  });

  it('scales integers with BSCALE/BZERO and writes NaN as BLANK', () => {
    fc.assert(
      fc.property(
        fc.array(fc.option(fc.integer({ min: -30000, max: 30000 }), { nil: null }), {
          minLength: 1,
          maxLength: 200,
        }),
        fc.double({ min: 1e-3, max: 1e3, noNaN: true }),
        fc.double({ min: -1e4, max: 1e4, noNaN: true }),
        (stored, bscale, bzero) => {
          const data = stored.map((s) => (s === null ? Number.NaN : s * bscale + bzero));
          const bytes = writeFits([
            {
              bitpix: 16,
              shape: [data.length],
              data,
              header: { BSCALE: bscale, BZERO: bzero, BLANK: -32768 },
            },
          ]);
          const image = parseFits(bytes).hdus[0].image();
          stored.forEach((s, i) => {
            if (s === null) expect(Number.isNaN(image[i])).toBe(true);
            else expect(image[i]).toBeCloseTo(data[i], 6);
          });
        },
      ),
      { numRuns: 30 },
    );
  });

  it('round-trips header keywords: strings with quotes, long strings, numbers, logicals, null', () => {
    const printable = fc.string({
      unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
    });
    fc.assert(
      fc.property(
        printable,
        printable.filter((s) => s.length > 0),
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        fc.integer(),
        fc.boolean(),
        (short, long, real, int, flag) => {
          const longValue = long.repeat(Math.ceil(150 / long.length));
          const bytes = writeFits([
            {
              bitpix: -64,
              shape: [],
              header: {
                OBJECT: { value: short, comment: 'with a comment' },
                LONGSTR: longValue,
                REALV: real,
                INTV: int,
                FLAG: flag,
                NOTHING: null,
                COMMENT: 'a free-text line',
              },
            },
          ]);
          const h = parseFits(bytes).hdus[0].header;
          expect(h.getString('OBJECT')).toBe(short.trimEnd());
          expect(h.getString('LONGSTR')).toBe(longValue.trimEnd());
          expect(Object.is(h.getNumber('REALV'), real) || (real === 0 && h.getNumber('REALV') === 0)).toBe(
            true,
          );
          expect(h.getNumber('INTV')).toBe(int);
          expect(h.get('FLAG')).toBe(flag);
          expect(h.get('NOTHING')).toBeNull();
          expect(h.cards.some((c) => c.key === 'COMMENT' && c.comment === 'a free-text line')).toBe(true);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('writes standard fixed-format cards and pads header with spaces, data with zeros', () => {
    const bytes = writeFits([{ bitpix: 8, shape: [3], data: [1, 2, 3], extname: 'X' }]);
    const text = Buffer.from(bytes.subarray(0, 2880)).toString('latin1');
    expect(text.slice(0, 80)).toBe(`SIMPLE  =                    T / conforms to FITS standard`.padEnd(80));
    expect(text.slice(80, 110)).toBe('BITPIX  =                    8');
    expect(text).toContain(`EXTNAME = 'X       '`);
    expect(text.trimEnd().endsWith('END')).toBe(true);
    expect(Array.from(bytes.subarray(2880, 2884))).toEqual([1, 2, 3, 0]);
    expect(bytes.length).toBe(5760);
  });

  it('refuses what cannot be written', () => {
    expect(() => writeFits([])).toThrow(FitsError);
    expect(() => writeFits([{ bitpix: 16, shape: [2], data: [1, 70000] }])).toThrow(/does not fit BITPIX 16/);
    expect(() => writeFits([{ bitpix: 16, shape: [1], data: [Number.NaN] }])).toThrow(/needs a BLANK/);
    expect(() => writeFits([{ bitpix: 32, shape: [3], data: [1, 2] }])).toThrow(/2 values for shape 3/);
    expect(() => writeFits([{ bitpix: 12 as Bitpix, shape: [1] }])).toThrow(/BITPIX 12/);
    expect(() => writeFits([{ bitpix: 8, shape: [], header: { NAXIS: 3 } }])).toThrow(/set by the writer/);
    expect(() => writeFits([{ bitpix: 8, shape: [], header: { TOOLONGKEY: 1 } }])).toThrow(
      /not a FITS keyword/,
    );
    expect(() => writeFits([{ bitpix: 8, shape: [], header: { X: Number.NaN } }])).toThrow(
      /cannot be written/,
    );
  });
});
