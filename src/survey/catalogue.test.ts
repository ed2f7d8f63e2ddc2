import { describe, expect, it } from 'vitest';
import {
  CATALOGUE_BASE_COLUMNS,
  CATALOGUE_COLUMNS,
  CatalogueError,
  type CatalogueRow,
  formatCatalogue,
  parseCatalogue,
  parseCsv,
} from './catalogue.ts';

const row = (over: Partial<CatalogueRow> = {}): CatalogueRow => ({
  catid: '100001',
  label: 'slow',
  kind: 'kdc',
  reArcsec: 3.25,
  ellipticity: 0.1234,
  paDeg: 45.5,
  lambdaRe: 0.0612,
  vOverSigma: 0.0701,
  velocityFile: 'fits/100001_A_stellar-velocity_default_two-moment.fits',
  dispersionFile: 'fits/100001_A_stellar-velocity-dispersion_default_two-moment.fits',
  family: 'particle',
  nuisance: {
    psfFwhm: 2.1,
    snAtRe: 8.5,
    sersicN: 3.2,
    sigmaScale: 150.25,
    vSysOffset: -12.5,
    hotFraction: 0.01,
    deadFraction: 0,
    nValid: 512,
  },
  ...over,
});

describe('catalogue', () => {
  it('keeps the older columns first and in order, and adds family and nuisance at the end', () => {
    expect(CATALOGUE_COLUMNS.slice(0, CATALOGUE_BASE_COLUMNS.length)).toEqual([...CATALOGUE_BASE_COLUMNS]);
    expect(CATALOGUE_COLUMNS.slice(CATALOGUE_BASE_COLUMNS.length)).toContain('family');
    expect(CATALOGUE_COLUMNS).toContain('psf_fwhm');
  });

  it('round-trips rows, quoting fields with commas, quotes and line breaks', () => {
    const rows = [
      row(),
      row({ catid: '100002', label: 'fast', kind: 'oblate, "fast"\nrotator', velocityFile: 'fits/a,b.fits' }),
      row({ catid: '100003', label: 'unknown', family: undefined, nuisance: undefined }),
    ];
    const text = formatCatalogue(rows);
    expect(text).toContain('"oblate, ""fast""\nrotator"');
    const back = parseCatalogue(text);
    expect(back).toEqual(rows.map(strip));
  });

  it('reads an older catalogue without the family and nuisance columns, with any kind name', () => {
    const text = `${CATALOGUE_BASE_COLUMNS.join(',')}\n100001,fast,disc,3.1,0.2,10,0.5,0.6,fits/v.fits,fits/d.fits\r\n\n100002,slow,triaxial,3.1,0.2,10,0.05,0.06,fits/v2.fits,fits/d2.fits\n`;
    const rows = parseCatalogue(text, 'old.csv');
    expect(rows).toHaveLength(2);
    expect(rows[0].family).toBeUndefined();
    expect(rows[0].nuisance).toBeUndefined();
    expect(rows[1].kind).toBe('triaxial');
    expect(rows[1].dispersionFile).toBe('fits/d2.fits');
  });

  it('names the file and line of a bad value and refuses unterminated quotes', () => {
    const text = `${CATALOGUE_BASE_COLUMNS.join(',')}\n100001,maybe,disc,3.1,0.2,10,0.5,0.6,v,d\n`;
    expect(() => parseCatalogue(text, 'c.csv')).toThrow(/c\.csv:2: label 'maybe'/);
    expect(() => parseCatalogue(`${CATALOGUE_BASE_COLUMNS.join(',')}\n"100001,fast`, 'c.csv')).toThrow(
      CatalogueError,
    );
    expect(() => parseCatalogue('catid,label\n1,fast\n', 'c.csv')).toThrow(/missing column 'kind'/);
  });

  it('a free-text column with a quoted comma does not shift the columns after it (issue 14)', () => {
    const header = ['catid', 'comment', ...CATALOGUE_BASE_COLUMNS.slice(1)].join(',');
    const text = `${header}\n100153,"bar, ""boxy""\nbulge",fast,disc,3.1,0.2,10,0.5,0.6,v.fits,d.fits\n`;
    const [r] = parseCatalogue(text, 'c.csv');
    expect(r).toMatchObject({
      catid: '100153',
      label: 'fast',
      kind: 'disc',
      lambdaRe: 0.5,
      dispersionFile: 'd.fits',
    });
  });

  it('parseCsv handles doubled quotes, CRLF and quoted empty fields', () => {
    expect(parseCsv('a,"b ""x""",""\r\n1, 2 ,3').map((r) => r.fields)).toEqual([
      ['a', 'b "x"', ''],
      ['1', '2', '3'],
    ]);
  });
});

/** Drops keys whose value is undefined (parseCatalogue leaves absent fields out). */
function strip(r: CatalogueRow): CatalogueRow {
  return Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined)) as CatalogueRow;
}
