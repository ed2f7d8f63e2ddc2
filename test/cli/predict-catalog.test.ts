/**
 * `galspin predict --catalog` as a Zoobot user runs it: a catalogue with file_loc and id_str goes
 * in as CSV, ECSV or FITS; the same rows, in order, with every column unchanged, come out with the
 * prediction columns added — checked by galspin's readers and by astropy.
 */
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { formatCsv } from '../../src/formats/csv.ts';
import { readTable, writeTable } from '../../src/formats/table/io.ts';
import { ADDED_COLUMNS } from '../../src/predict/on-catalogue.ts';
import { astropyRead, hasAstropy } from '../support/astropy-oracle.ts';
import { runGalspin } from '../support/run-cli.ts';

const ROOT = join(import.meta.dirname, '../..');
const FIX = join(ROOT, 'test/fixtures/fits');
const SAMI = '105420_stellar-velocity_default_two-moment.fits';
const MANGA = join(FIX, 'manga-7815-3702-MAPS-HYB10-GAU-MILESHC.fits.gz');
const dir = mkdtempSync(join(tmpdir(), 'galspin-catalog-'));
mkdirSync(join(dir, 'maps'));
copyFileSync(join(FIX, SAMI), join(dir, 'maps', SAMI));

const COMMENT = 'barred, "boxy" bulge\nsee notes';
const INPUT = [
  ['id_str', 'file_loc', 'comment', 'redshift', 'plate'],
  ['105420', `maps/${SAMI}`, COMMENT, '0.0213', '7'],
  ['missing-1', 'maps/nope.fits', 'no file, sadly', '', '8'],
  ['manga', MANGA, '', '0.0291', '9'],
  ['not-a-map', join(FIX, 'arange.fits'), 'plain', '0.5', ''],
];
const ADDED = ADDED_COLUMNS.map((c) => c.name);

afterEach(() => vi.restoreAllMocks());

async function predict(catalog: string, out: string, ...more: string[]) {
  return runGalspin([
    'predict',
    '--catalog',
    catalog,
    '--model',
    join(ROOT, 'models'),
    '--out',
    out,
    '--passes',
    '0',
    ...more,
  ]);
}

describe('galspin predict --catalog', () => {
  const csv = join(dir, 'cat.csv');
  writeFileSync(csv, formatCsv(INPUT));

  it('CSV in, CSV out: every row and column unchanged and in order, predictions added, bad rows explained', async () => {
    const out = join(dir, 'out.csv');
    const r = await predict(csv, out, '--passes', '3');
    expect(r.code).toBe(1); // two rows have no prediction
    expect(r.err).toContain(`galspin: wrote 4 rows (2 classified) to ${out}`);
    expect(r.err).toMatch(/cat\.csv row 2 \(id_str missing-1\): .*nope\.fits: no such file/);
    const t = await readTable(out);
    expect(t.columns.map((c) => c.name)).toEqual([...INPUT[0], ...ADDED]);
    t.rows.forEach((row, i) => {
      INPUT[0].forEach((name, k) => {
        expect(row[name]).toBe(INPUT[i + 1][k]);
      });
    });
    const [sami, missing, manga, foreign] = t.rows;
    expect(sami).toMatchObject({ galaxy_id: '105420', input_kind: 'velocity', error: '' });
    expect(Number(sami.p_fast)).toBeGreaterThan(0);
    expect(Number(sami.p_fast_std)).toBeGreaterThanOrEqual(0);
    expect(sami.n_passes).toBe('3');
    expect(Number(sami.moran_i)).toBeCloseTo(0.878, 2);
    expect(manga).toMatchObject({ galaxy_id: '7815-3702', input_kind: 'velocity+dispersion' });
    expect(Number(manga.lambda_re)).toBeGreaterThan(0);
    expect(['fast', 'slow', 'uncertain']).toContain(manga.class);
    expect(missing.p_fast).toBe('');
    expect(missing.error).toMatch(/nope\.fits: no such file/);
    expect(foreign.error).toMatch(/arange\.fits: not a SAMI stellar-velocity product/);
  });

  it('gives the same numbers as predict on the files', async () => {
    const cat = await runGalspin([
      'predict',
      '--catalog',
      csv,
      '--model',
      join(ROOT, 'models'),
      '--out',
      join(dir, 'same.csv'),
      '--passes',
      '0',
    ]);
    expect(cat.code).toBe(1);
    const files = await runGalspin([
      'predict',
      join(dir, 'maps', SAMI),
      MANGA,
      '--model',
      join(ROOT, 'models'),
      '--passes',
      '0',
      '--format',
      'jsonl',
    ]);
    expect(files.code).toBe(0);
    const byFile = files.out
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    const t = await readTable(join(dir, 'same.csv'));
    expect(Number(t.rows[0].p_fast)).toBe(byFile[0].p_fast);
    expect(Number(t.rows[2].p_fast)).toBe(byFile[1].p_fast);
    expect(t.rows[2].model_version).toBe(byFile[1].model_version);
  });

  it.skipIf(!hasAstropy())(
    'CSV in, ECSV and FITS out: astropy reads every row, typed, with the free text',
    async () => {
      for (const name of ['out.ecsv', 'out.fits']) {
        const out = join(dir, name);
        expect((await predict(csv, out)).code).toBe(1);
        const a = astropyRead(out);
        expect(a.columns.map((c) => c.name)).toEqual([...INPUT[0], ...ADDED]);
        expect(a.rows.map((r) => r.id_str)).toEqual(['105420', 'missing-1', 'manga', 'not-a-map']);
        const kinds = Object.fromEntries(a.columns.map((c) => [c.name, c.kind]));
        expect(kinds).toMatchObject({ redshift: 'f', plate: 'i', p_fast: 'f', ood: 'b' });
        expect(['U', 'S']).toContain(kinds.id_str); // text: str in ECSV, bytes in FITS
        expect(a.rows[0].redshift).toBe(0.0213);
        expect(a.rows[3].plate).toBeNull();
        expect(a.rows[1].p_fast).toBeNull();
        // FITS strings are printable ASCII (FITS Standard 7.3.3.1): the line break becomes '?'.
        expect(a.rows[0].comment).toBe(name.endsWith('.ecsv') ? COMMENT : COMMENT.replace('\n', '?'));
      }
    },
  );

  it.skipIf(!hasAstropy())(
    'ECSV in → ECSV out and FITS in → FITS out keep column types and units',
    async () => {
      const typed = {
        columns: [
          { name: 'id_str', type: 'string' as const },
          { name: 'file_loc', type: 'string' as const },
          { name: 'ra', type: 'float64' as const, unit: 'deg', description: 'right ascension' },
          { name: 'objid', type: 'int64' as const },
          { name: 'good', type: 'bool' as const },
        ],
        rows: [
          { id_str: '105420', file_loc: `maps/${SAMI}`, ra: 180.5, objid: 1237648702966988820n, good: true },
          { id_str: 'gone', file_loc: 'maps/gone.fits', ra: 10.25, objid: -1n, good: false },
        ],
      };
      for (const ext of ['ecsv', 'fits']) {
        const input = join(dir, `typed.${ext}`);
        const out = join(dir, `typed_pred.${ext}`);
        await writeTable(input, typed);
        expect((await predict(input, out)).code).toBe(1);
        const back = await readTable(out);
        expect(back.columns.slice(0, 5).map((c) => [c.name, c.type, c.unit])).toEqual(
          typed.columns.map((c) => [c.name, c.type, c.unit]),
        );
        expect(back.rows[0]).toMatchObject(typed.rows[0]);
        expect(back.rows[1]).toMatchObject({ ...typed.rows[1], p_fast: null });
        const a = astropyRead(out);
        expect(a.columns.find((c) => c.name === 'ra')?.unit).toBe('deg');
        expect(String(a.rows[0].objid)).toBe('1237648702966988820');
        expect(a.rows[1].error).toMatch(/gone\.fits: no such file/);
      }
    },
  );

  it('a catalogue without file_loc or id_str is one line and exit 1; --catalog needs --out', async () => {
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'name,path\na,b.fits\n');
    const r = await predict(bad, join(dir, 'x.csv'));
    expect(r.code).toBe(1);
    expect(r.err.trim()).toBe(
      `galspin: ${bad}: no column 'file_loc' or 'id_str' (a catalogue needs file_loc and id_str)`,
    );
    const u = await runGalspin(['predict', '--catalog', csv, '--model', join(ROOT, 'models')]);
    expect(u.code).toBe(2);
  });
});
