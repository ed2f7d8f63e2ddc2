/**
 * Typed tables through ECSV and FITS, both ways: galspin's writers read back by galspin's readers and
 * by astropy, and astropy's own files read by galspin (astropy as the oracle; skipped without it).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { astropyRead, hasAstropy } from '../../../test/support/astropy-oracle.ts';
import { parseEcsv } from './ecsv-read.ts';
import { toEcsv } from './ecsv-write.ts';
import { readFitsTable } from './fits-read.ts';
import { toFitsBintable } from './fits-write.ts';
import { csvToTable, inferTypes, readTable, writeTable } from './io.ts';
import type { Table } from './table.ts';

const dir = mkdtempSync(join(tmpdir(), 'galspin-table-io-'));

const TABLE: Table = {
  columns: [
    { name: 'id_str', type: 'string', description: 'survey id' },
    { name: 'comment', type: 'string' },
    { name: 'flag', type: 'bool' },
    { name: 'nbin', type: 'uint8' },
    { name: 'plate', type: 'int16' },
    { name: 'n_valid', type: 'int32' },
    { name: 'objid', type: 'int64' },
    { name: 're', type: 'float32', unit: 'arcsec' },
    { name: 'sigma', type: 'float64', unit: 'km / s', description: "central σ, it's: #1" },
  ],
  rows: [
    {
      id_str: '100153',
      comment: 'bar, "strong" #lens',
      flag: true,
      nbin: 7,
      plate: -12,
      n_valid: 1200,
      objid: 1237648702966988820n,
      re: 2.5,
      sigma: 151.25,
    },
    {
      id_str: '#100154',
      comment: '',
      flag: null,
      nbin: null,
      plate: null,
      n_valid: null,
      objid: null,
      re: null,
      sigma: null,
    },
  ],
  meta: { survey: 'SAMI DR3', n: 2 },
};

describe('typed tables: ECSV and FITS round trips', () => {
  it('ECSV: every type, masked cells, units and descriptions come back from galspin', () => {
    const back = parseEcsv(toEcsv(TABLE), 't.ecsv');
    expect(back.columns).toEqual(TABLE.columns);
    expect(back.rows[0]).toEqual(TABLE.rows[0]);
    // A missing string is '' in ECSV (astropy writes it so too); every other type comes back missing.
    expect(back.rows[1]).toEqual({ ...TABLE.rows[1], comment: '' });
    expect(back.meta).toEqual(TABLE.meta);
  });

  it('FITS BINTABLE: every type, TNULL and NaN as missing, units and descriptions from galspin', async () => {
    const file = join(dir, 'rt.fits');
    writeFileSync(file, toFitsBintable(TABLE));
    const back = await readFitsTable(file);
    expect(back.columns.map((c) => [c.name, c.type, c.unit])).toEqual(
      TABLE.columns.map((c) => [c.name, c.type, c.unit]),
    );
    expect(back.columns[0].description).toBe('survey id');
    expect(back.rows[0]).toEqual(TABLE.rows[0]);
    expect(back.rows[1]).toEqual({ ...TABLE.rows[1], comment: '', flag: null });
  });

  it.skipIf(!hasAstropy())(
    'astropy reads galspin ECSV and FITS with the same values, types and units',
    () => {
      writeFileSync(join(dir, 'g.ecsv'), toEcsv(TABLE));
      writeFileSync(join(dir, 'g.fits'), toFitsBintable(TABLE));
      for (const name of ['g.ecsv', 'g.fits']) {
        const t = astropyRead(join(dir, name));
        expect(t.columns.map((c) => c.name)).toEqual(TABLE.columns.map((c) => c.name));
        const kinds = Object.fromEntries(t.columns.map((c) => [c.name, c.kind]));
        expect(kinds).toMatchObject({ flag: 'b', nbin: 'u', plate: 'i', n_valid: 'i', objid: 'i', re: 'f' });
        expect(t.columns.find((c) => c.name === 'sigma')?.unit).toBe('km / s');
        expect(t.rows[0]).toMatchObject({
          id_str: '100153',
          comment: 'bar, "strong" #lens',
          flag: true,
          nbin: 7,
          plate: -12,
          n_valid: 1200,
          re: 2.5,
          sigma: 151.25,
        });
        // int64 beyond 2^53 survives exactly (compared as text: JSON numbers lose it in JS).
        expect(BigInt(String(t.rows[0].objid))).toBe(1237648702966988820n);
        expect(t.rows[1]).toMatchObject({ id_str: '#100154', n_valid: null, objid: null, sigma: null });
      }
    },
  );

  it.skipIf(!hasAstropy())('galspin reads the ECSV and FITS that astropy writes', async () => {
    const script = `
import numpy as np, sys
from astropy.table import Table, MaskedColumn
import astropy.units as u
t = Table()
t['id_str'] = ['100153', '100154']
t['comment'] = ['bar, "strong" lens\\nsecond line', 'plain']
t['flag'] = [True, False]
t['n'] = MaskedColumn(np.array([5, 0], dtype=np.int32), mask=[False, True])
t['big'] = np.array([1237648702966988820, -3], dtype=np.int64)
t['re'] = np.array([2.5, 3.25], dtype=np.float32) * u.arcsec
t['sigma'] = MaskedColumn([151.25, 0.0], mask=[False, True], unit='km / s', description='central dispersion')
t.meta['survey'] = 'SAMI'
t.write(sys.argv[1] + '/a.ecsv', overwrite=True)
t.write(sys.argv[1] + '/a.fits', overwrite=True)
`;
    execFileSync('python3', ['-c', script, dir]);
    const ecsv = await readTable(join(dir, 'a.ecsv'));
    expect(ecsv.columns.map((c) => c.type)).toEqual([
      'string',
      'string',
      'bool',
      'int32',
      'int64',
      'float32',
      'float64',
    ]);
    expect(ecsv.columns[6]).toMatchObject({ unit: 'km / s', description: 'central dispersion' });
    expect(ecsv.meta).toEqual({ survey: 'SAMI' });
    expect(ecsv.rows[0]).toEqual({
      id_str: '100153',
      comment: 'bar, "strong" lens\nsecond line',
      flag: true,
      n: 5,
      big: 1237648702966988820n,
      re: 2.5,
      sigma: 151.25,
    });
    expect(ecsv.rows[1]).toMatchObject({ n: null, sigma: null, big: -3n });
    const fits = await readTable(join(dir, 'a.fits'));
    expect(fits.columns.map((c) => c.type)).toEqual([
      'string',
      'string',
      'bool',
      'int32',
      'int64',
      'float32',
      'float64',
    ]);
    expect(fits.rows[0]).toMatchObject({
      id_str: '100153',
      flag: true,
      n: 5,
      big: 1237648702966988820n,
      re: 2.5,
    });
    expect(fits.columns.find((c) => c.name === 're')?.unit).toBe('arcsec');
    expect(fits.rows[1]).toMatchObject({ n: null, sigma: null });
  });

  it('a CSV passes through as text; typed on the way to ECSV/FITS as astropy infers, ids and paths kept', async () => {
    const csv =
      'id_str,file_loc,z,n,ok,code,note\n0042,a.fits,0.05,3,true,007,x\n0043,b.fits,,12,False,008,\n';
    const t = csvToTable(csv, 'c.csv');
    expect(t.columns.every((c) => c.type === 'string')).toBe(true);
    expect(t.rows[1]).toEqual({
      id_str: '0043',
      file_loc: 'b.fits',
      z: '',
      n: '12',
      ok: 'False',
      code: '008',
      note: '',
    });
    const typed = inferTypes(t, new Set(['id_str', 'file_loc']));
    expect(typed.columns.map((c) => c.type)).toEqual([
      'string',
      'string',
      'float64',
      'int64',
      'bool',
      'string',
      'string',
    ]);
    expect(typed.rows[1]).toMatchObject({ id_str: '0043', z: null, n: 12n, ok: false, code: '008' });
    const out = join(dir, 'typed.fits');
    await writeTable(out, typed);
    expect((await readTable(out)).rows[0]).toMatchObject({ id_str: '0042', z: 0.05, n: 3n, ok: true });
  });
});
