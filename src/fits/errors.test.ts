import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FitsError } from './errors.ts';
import { type FitsFile, parseFits, readFitsFile, readFitsFileSync } from './read.ts';
import { writeFits } from './write.ts';

const DIR = join(import.meta.dirname, '../../test/fixtures/fits');
const SAMI = join(DIR, '105420_stellar-velocity_default_two-moment.fits');
const fixture = (name: string) => new Uint8Array(readFileSync(join(DIR, name)));

/** Replaces the value of `key` in the first header with `value` (right-justified like FITS). */
function withCard(bytes: Uint8Array, key: string, value: string): Uint8Array {
  const out = bytes.slice();
  for (let at = 0; at < 2880; at += 80) {
    const k = Buffer.from(out.subarray(at, at + 8))
      .toString('latin1')
      .trimEnd();
    if (k === key) {
      const card = `${key.padEnd(8)}= ${value.padStart(20)}`.padEnd(80);
      for (let i = 0; i < 80; i++) out[at + i] = card.charCodeAt(i);
      return out;
    }
  }
  throw new Error(`no ${key}`);
}

function expectFitsError(run: () => unknown, problem: RegExp, file = 'bad.fits'): void {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(FitsError);
    expect((err as FitsError).message.startsWith(`${file}: `)).toBe(true);
    expect((err as FitsError).message).toMatch(problem);
    expect((err as FitsError).message).not.toContain('\n');
    return;
  }
  throw new Error(`expected a FitsError matching ${problem}`);
}

/** Touches every decodable part of every HDU, as a consumer might. */
function exercise(fits: FitsFile): void {
  for (const hdu of fits.hdus) {
    if (hdu.type === 'image' || hdu.type === 'compressed-image') hdu.image();
    if (hdu.type === 'bintable' || hdu.type === 'table') {
      const { columns } = hdu.table();
      for (const c of columns) hdu.column(c.index);
    }
  }
}

describe('malformed input raises FitsError naming the file and the problem', () => {
  const sami = new Uint8Array(readFileSync(SAMI));
  const parse = (bytes: Uint8Array, maxBytes?: number) => () =>
    exercise(parseFits(bytes, 'bad.fits', { maxBytes }));

  it('empty, not FITS, truncated header, missing END', () => {
    expectFitsError(parse(new Uint8Array(0)), /^bad\.fits: empty file$/);
    expectFitsError(parse(new TextEncoder().encode('hello world')), /not a FITS file/);
    expectFitsError(parse(sami.subarray(0, 1000)), /truncated header/);
    const noEnd = sami.slice(0, 2880);
    noEnd.fill(0x20, 80 * 3);
    expectFitsError(parse(noEnd), /no END card/);
  });

  it('BITPIX outside the standard, negative or absurd NAXISn, data past the end', () => {
    expectFitsError(
      parse(withCard(sami, 'BITPIX', '12')),
      /BITPIX = 12 is not one of 8, 16, 32, 64, -32, -64/,
    );
    expectFitsError(parse(withCard(sami, 'NAXIS1', '-50')), /NAXIS1 = -50 is negative/);
    expectFitsError(parse(withCard(sami, 'NAXIS2', '99999999999')), /absurd NAXIS2/);
    expectFitsError(parse(withCard(sami, 'NAXIS', '1000')), /absurd NAXIS = 1000/);
    expectFitsError(parse(withCard(sami, 'NAXIS1', '5000')), /HDU 0 data runs past the end of the file/);
    expectFitsError(parse(sami.subarray(0, 100_000)), /HDU 4 \(SN\) data runs past the end of the file/);
  });

  it('gzip that does not inflate, or inflates past the limit', () => {
    const gz = gzipSync(sami);
    expectFitsError(parse(gz.subarray(0, gz.length - 5000)), /gzip data does not inflate/);
    const mangled = new Uint8Array(gz);
    mangled.fill(0xff, 20, 400);
    expectFitsError(parse(mangled), /gzip data does not inflate/);
    const bomb = gzipSync(new Uint8Array(50 * 1024 * 1024));
    expect(bomb.length).toBeLessThan(100_000);
    expectFitsError(parse(bomb, 1024 * 1024), /gzip inflates past the 1048576-byte limit/);
    expect(parseFits(gz, 'ok.fits.gz').hdus).toHaveLength(5);
  });

  it('refuses a file over the limit before reading it, and names missing files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'galspin-fits-'));
    const huge = join(dir, 'huge.fits');
    writeFileSync(huge, sami.subarray(0, 2880));
    truncateSync(huge, 200 * 1024 ** 3); // sparse 200 GiB: reading it whole would never finish
    await expect(readFitsFile(huge)).rejects.toThrow(
      /huge\.fits: file is 214748364800 bytes, over the 67108864/,
    );
    expect(() => readFitsFileSync(huge)).toThrow(FitsError);
    await expect(readFitsFile(SAMI, { maxBytes: 1000 })).rejects.toThrow(/over the 1000-byte limit/);
    await expect(readFitsFile(join(dir, 'missing.fits'))).rejects.toThrow(/missing\.fits: no such file/);
    await expect(readFitsFile(dir)).rejects.toThrow(FitsError);
    const empty = join(dir, 'empty.fits');
    writeFileSync(empty, '');
    await expect(readFitsFile(empty)).rejects.toThrow(/empty\.fits: empty file/);
    rmSync(dir, { recursive: true, force: true });
  });

  it('decodes lazily: a broken HDU fails only when it is read', () => {
    const comp = fixture('comp.fits');
    const text = Buffer.from(comp).toString('latin1');
    const at = text.indexOf("ZCMPTYPE= 'RICE_1  '");
    const broken = comp.slice();
    broken.set(new TextEncoder().encode("ZCMPTYPE= 'PLIO_1  '"), at);
    const fits = parseFits(broken, 'bad.fits');
    expect(fits.hdus[0].pixels).toBe(0);
    expect(fits.hdus[1].naxis).toEqual([440, 300]);
    expectFitsError(
      () => fits.hdus[1].image(),
      /HDU 1 \(COMPRESSED_IMAGE\): ZCMPTYPE 'PLIO_1' is not supported/,
    );
  });

  it('the cases of issue 13: each a one-line FitsError naming file and HDU; lenient repairs warn', () => {
    // HDU k's header as card texts, edited, and put back (same block count).
    const edit = (bytes: Uint8Array, hdu: number, change: (cards: string[]) => void): Uint8Array => {
      const fits = parseFits(bytes, 'x.fits');
      const { headerOffset, dataOffset } = fits.hdus[hdu];
      const text = Buffer.from(bytes.subarray(headerOffset, dataOffset)).toString('latin1');
      const cards = (text.match(/.{80}/g) as string[]).filter(
        (c) => c.trim() !== '' && !c.startsWith('END '),
      );
      change(cards);
      const out = bytes.slice();
      const header = `${cards.map((c) => c.padEnd(80)).join('')}${'END'.padEnd(80)}`.padEnd(
        dataOffset - headerOffset,
      );
      out.set(Buffer.from(header, 'latin1'), headerOffset);
      return out;
    };
    const at = (cards: string[], key: string) => cards.findIndex((c) => c.startsWith(key.padEnd(8)));
    const card = (key: string, value: string) => `${key.padEnd(8)}= ${value.padStart(20)}`;

    const dupNaxis1 = edit(sami, 1, (c) => c.splice(at(c, 'EXTNAME') + 1, 0, card('NAXIS1', '20')));
    expectFitsError(
      parse(dupNaxis1),
      /^bad\.fits: HDU 1 \(VEL_ERR\): duplicate keyword NAXIS1 \(50, then 20\)$/,
    );
    const simpleF = edit(sami, 0, (c) => {
      c[0] = card('SIMPLE', 'F');
    });
    expectFitsError(parse(simpleF), /HDU 0: SIMPLE = F: not a standard FITS file/);
    const bscaleText = edit(sami, 2, (c) => c.splice(at(c, 'EXTNAME'), 0, "BSCALE  = '0.0457'"));
    expectFitsError(parse(bscaleText), /HDU 2 \(FLUX\): keyword BSCALE = '0.0457' is not a number/);
    const control = edit(sami, 3, (c) => {
      c[at(c, 'EXTNAME')] = "EXTNAME = 'FLUX\u0007ERR'";
    });
    expectFitsError(parse(control), /HDU 3: card \d+ \(EXTNAME\) holds byte 0x07/);
    const noEnd = sami.slice();
    const endAt = Buffer.from(sami.subarray(0, 2880 * 4))
      .toString('latin1')
      .search(/END {77}/);
    noEnd.fill(0x20, endAt, endAt + 3);
    expectFitsError(
      parse(noEnd),
      /^bad\.fits: HDU 0: card 37 \(\S+\) holds byte 0x[0-9a-f]{2} at column \d+: only printable ASCII/,
    );
    const xtension = sami.slice();
    xtension[parseFits(sami, 'x').hdus[4].headerOffset + 3] = 0x51; // XTENSION → XTEQSION
    expectFitsError(parse(xtension), /bytes after HDU 3 are not an extension header/);

    // BLANK = 1.5 on BITPIX 64 data threw a RangeError from BigInt (and aborted a whole run).
    const int64 = writeFits([{ bitpix: 64, shape: [3, 2], data: [1, 2, 3, 4, 5, 6] }]);
    const blank = edit(int64, 0, (c) => c.push(card('BLANK', '1.5')));
    expectFitsError(parse(blank), /HDU 0: keyword BLANK = 1\.5 is not an integer/);
    const warnings: string[] = [];
    const lenient = parseFits(blank, 'bad.fits', { lenient: true, onWarning: (w) => warnings.push(w) });
    expect(Array.from(lenient.hdus[0].image())).toEqual([1, 2, 3, 4, 5, 6]);
    expect(warnings).toEqual(['HDU 0 (PRIMARY): BLANK = 1.5 is not an integer; BLANK ignored']);
    expect(lenient.warnings).toEqual(warnings);

    // CHECKSUM: a printable change in a comment is seen only by the checksum.
    const summed = fixture('checksum.fits');
    const tampered = edit(summed, 1, (c) => {
      c[at(c, 'TTYPE1')] = c[at(c, 'TTYPE1')].replace(/.$/, 'x');
    });
    expectFitsError(parse(tampered), /HDU 1 \(RATE\): CHECKSUM mismatch/);
    const lenientSum = parseFits(tampered, 'bad.fits', { lenient: true });
    expect(lenientSum.warnings).toHaveLength(1);
    expect(lenientSum.warnings[0]).toMatch(/^HDU 1 \(RATE\): CHECKSUM mismatch.*; ignored$/);
  });

  it('rejects image access on tables and table access on images', () => {
    const fits = parseFits(fixture('checksum.fits'), 'bad.fits');
    expectFitsError(() => fits.hdus[1].image(), /HDU 1 is a bintable, not an image/);
    expectFitsError(() => fits.hdus[0].table(), /HDU 0 is a image, not a table/);
    expectFitsError(() => fits.hdus[1].column('NOPE'), /HDU 1 has no column NOPE/);
  });
});

describe('fuzzing: mutated headers and truncated files only ever raise FitsError', () => {
  const bases: [string, Uint8Array][] = [
    ['sami', new Uint8Array(readFileSync(SAMI))],
    ['testprog', fixture('testprog.std')],
    ['comp', fixture('comp.fits')],
    [
      'written',
      writeFits([
        {
          bitpix: 16,
          shape: [4, 3],
          data: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12],
          header: { BZERO: 32768 },
        },
      ]),
    ],
  ];
  const headerByte = fc.oneof(
    fc.constantFrom(..." 0123456789-+.=/'TFEDX".split('').map((c) => c.charCodeAt(0))),
    fc.integer({ min: 0, max: 255 }),
  );

  function onlyFitsErrors(bytes: Uint8Array): void {
    try {
      exercise(parseFits(bytes, 'fuzz.fits', { maxBytes: 4 * 1024 * 1024 }));
    } catch (err) {
      if (!(err instanceof FitsError)) throw err;
      expect(err.message.startsWith('fuzz.fits: ')).toBe(true);
    }
  }

  for (const [name, base] of bases) {
    it(`${name}: mutated header bytes`, () => {
      // Header cards live in the first blocks of each HDU; mutate anywhere in the first 3 blocks
      // and in the value columns (11–30) of cards, where the structure keywords are decided.
      fc.assert(
        fc.property(
          fc.array(fc.tuple(fc.integer({ min: 0, max: Math.min(base.length, 3 * 2880) - 1 }), headerByte), {
            minLength: 1,
            maxLength: 6,
          }),
          (edits) => {
            const bytes = base.slice();
            for (const [at, b] of edits) bytes[at] = b;
            onlyFitsErrors(bytes);
          },
        ),
        { numRuns: 150 },
      );
    });

    it(`${name}: truncated anywhere`, () => {
      fc.assert(
        fc.property(fc.integer({ min: 0, max: base.length }), (len) => onlyFitsErrors(base.slice(0, len))),
        { numRuns: 60 },
      );
    });
  }

  it('comp: mutated compressed tile bytes', () => {
    const base = fixture('comp.fits');
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.integer({ min: 2 * 2880 + 2880 * 3, max: base.length - 1 }),
            fc.integer({ min: 0, max: 255 }),
          ),
          {
            minLength: 1,
            maxLength: 20,
          },
        ),
        (edits) => {
          const bytes = base.slice();
          for (const [at, b] of edits) bytes[at] = b;
          onlyFitsErrors(bytes);
        },
      ),
      { numRuns: 60 },
    );
  });
});
