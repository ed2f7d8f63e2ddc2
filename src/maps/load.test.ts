import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseFits, readFitsFile, writeFits } from '../fits/index.ts';
import { drawGalaxyParams } from '../survey/analytic/kinds.ts';
import { simulateGalaxy } from '../survey/analytic/simulate.ts';
import { encodeDispersionFile, encodeVelocityFile } from '../survey/sami-fits.ts';
import { loadKinematicMap, loadKinematicMapFromFits, pairProductFiles, parseSamiFileName } from './load.ts';
import { preprocessMap } from './network-grid.ts';
import { mulberry32 } from './random.ts';
import { countValid, MapError } from './types.ts';

const FIXTURES = join(import.meta.dirname, '../../test/fixtures/fits');
const ORACLE = JSON.parse(readFileSync(join(FIXTURES, 'ORACLE.json'), 'utf8'));
const SAMI_VEL = '105420_stellar-velocity_default_two-moment.fits';
const SAMI_DISP = '136602_stellar-velocity-dispersion_default_two-moment.fits';
const MANGA = 'manga-7815-3702-MAPS-HYB10-GAU-MILESHC.fits.gz';

function oracleHdu(file: string, extname: string) {
  return ORACLE[file].hdus.find((h: { extname: string }) => h.extname === extname);
}

function sum(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return s;
}

function nonzero(a: ArrayLike<number>): number {
  let n = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== 0) n++;
  return n;
}

describe('SAMI DR2 loader', () => {
  it('loads the real 105420 velocity map with shape, valid count, scale and planes', async () => {
    const map = await loadKinematicMap(join(FIXTURES, SAMI_VEL));
    const primary = oracleHdu(SAMI_VEL, 'PRIMARY');
    expect(map.survey).toBe('SAMI');
    expect(map.galaxyId).toBe('105420');
    expect([map.height, map.width]).toEqual(primary.shape);
    expect(map.pixelScaleArcsec).toBeCloseTo(0.5, 6);
    expect(countValid(map.valid)).toBe(primary.finite);
    expect(map.velocity[25 * 50 + 25]).toBe(primary.pixels_first_plane[1][2]);
    expect(sum(map.velocityError?.filter(Number.isFinite) ?? [])).toBeCloseTo(
      oracleHdu(SAMI_VEL, 'VEL_ERR').sum,
      8,
    );
    // DR2 names the S/N extension SN
    expect(sum(map.snr?.filter(Number.isFinite) ?? [])).toBeCloseTo(oracleHdu(SAMI_VEL, 'SN').sum, 8);
  });

  it('crops rows/cols 5..44 to the sums astropy gives (centre40)', async () => {
    const pre = preprocessMap(await loadKinematicMap(join(FIXTURES, SAMI_VEL)));
    const primary = oracleHdu(SAMI_VEL, 'PRIMARY');
    expect(pre.input).toHaveLength(1600);
    expect(sum(pre.input)).toBeCloseTo(primary.centre40.sum_nan_to_0, 3);
    expect(nonzero(pre.input)).toBe(primary.centre40.nonzero);
    expect(countValid(pre.valid)).toBe(primary.centre40.nonzero);
    expect(sum(pre.channels?.flux ?? [])).toBeCloseTo(oracleHdu(SAMI_VEL, 'FLUX').centre40.sum_nan_to_0, 5);
  });

  it('pairs a dispersion file with the velocity file of the same CATID', async () => {
    const disp = await readFitsFile(join(FIXTURES, SAMI_DISP));
    // a velocity product for CATID 136602 covering the whole grid, so σ is not masked by velocity
    const v = new Float64Array(2500).map((_, i) => (i % 50) - 24.5);
    const velBytes = writeFits([
      {
        bitpix: -64,
        shape: [50, 50],
        data: v,
        header: { CATID: '136602', CDELT1: -0.5 / 3600, CDELT2: 0.5 / 3600 },
      },
      {
        bitpix: -64,
        shape: [50, 50],
        data: new Float64Array(2500).fill(5),
        extname: 'VEL_ERR',
        header: { UNIT: 'km/s' },
      },
    ]);
    const vel = parseFits(velBytes, '136602_A_stellar-velocity_default_two-moment.fits');
    const map = loadKinematicMapFromFits(vel, { dispersion: disp });
    expect(map.source.dispersionFile).toContain(SAMI_DISP);
    const primary = oracleHdu(SAMI_DISP, 'PRIMARY');
    expect(sum(map.dispersion?.filter(Number.isFinite) ?? [])).toBeCloseTo(primary.sum, 6);
    const pre = preprocessMap(map);
    expect(sum(pre.channels?.dispersion ?? [])).toBeCloseTo(primary.centre40.sum_nan_to_0, 1);
    expect(nonzero(pre.channels?.dispersion ?? [])).toBe(primary.centre40.nonzero);
  });

  it('refuses mismatched or wrong products with a MapError naming the file', async () => {
    const vel = await readFitsFile(join(FIXTURES, SAMI_VEL));
    const disp = await readFitsFile(join(FIXTURES, SAMI_DISP));
    expect(() => loadKinematicMapFromFits(disp)).toThrow(MapError);
    expect(() => loadKinematicMapFromFits(disp)).toThrow(/136602.*dispersion/);
    expect(() => loadKinematicMapFromFits(vel, { dispersion: disp })).toThrow(/CATID 136602 does not match/);
    await expect(loadKinematicMap(join(FIXTURES, 'arange.fits'))).rejects.toThrow(MapError);
    await expect(loadKinematicMap(join(FIXTURES, 'arange.fits'))).rejects.toThrow(/arange\.fits: /);
  });
});

describe('SAMI DR3 round trip', () => {
  it('loads a written DR3 velocity + dispersion pair back to the simulated planes', () => {
    const rng = mulberry32(21);
    const g = simulateGalaxy(drawGalaxyParams('slow', '123456', rng), rng);
    const vel = parseFits(encodeVelocityFile(g), '123456_A_stellar-velocity_default_two-moment.fits');
    const disp = parseFits(
      encodeDispersionFile(g),
      '123456_A_stellar-velocity-dispersion_default_two-moment.fits',
    );
    const map = loadKinematicMapFromFits(vel, { dispersion: disp });
    expect(map.galaxyId).toBe('123456');
    expect(map.pixelScaleArcsec).toBeCloseTo(0.5, 9);
    expect(Array.from(map.valid)).toEqual(Array.from(g.valid));
    expect(Array.from(map.velocity)).toEqual(Array.from(g.velocity));
    expect(Array.from(map.dispersion ?? [])).toEqual(Array.from(g.dispersion));
    expect(Array.from(map.snr ?? [])).toEqual(Array.from(g.snr));
    expect(Array.from(map.dispersionError ?? [])).toEqual(Array.from(g.dispersionError));
  });

  it('falls back to the file name for CATID and to HDU indices for unnamed extensions', () => {
    const plane = (x: number) => new Float64Array(16).fill(x);
    const bytes = writeFits([
      { bitpix: -64, shape: [4, 4], data: plane(10), header: { CDELT1: -1 / 3600, CDELT2: 1 / 3600 } },
      { bitpix: -64, shape: [4, 4], data: plane(2) },
      { bitpix: -64, shape: [4, 4], data: plane(3) },
      { bitpix: -64, shape: [4, 4], data: plane(4) },
      { bitpix: -64, shape: [4, 4], data: plane(5) },
    ]);
    const map = loadKinematicMapFromFits(
      parseFits(bytes, 'dir/777_stellar-velocity_default_two-moment.fits'),
    );
    expect(map.galaxyId).toBe('777');
    expect(map.pixelScaleArcsec).toBeCloseTo(1, 9);
    expect([map.velocityError?.[0], map.flux?.[0], map.snr?.[0]]).toEqual([2, 3, 5]);
  });

  it('refuses a velocity map whose UNIT is not km/s', () => {
    const bytes = writeFits([
      { bitpix: -64, shape: [4, 4], data: new Float64Array(16).fill(1), header: { CATID: '5', UNIT: 'm/s' } },
      { bitpix: -64, shape: [4, 4], data: new Float64Array(16), extname: 'VEL_ERR' },
    ]);
    expect(() =>
      loadKinematicMapFromFits(parseFits(bytes, '5_A_stellar-velocity_default_two-moment.fits')),
    ).toThrow(/unit 'm\/s' is not km\/s/);
  });
});

describe('MaNGA DAP MAPS loader', () => {
  it('applies the masks, corrects σ and crops to astropy centre40 sums', async () => {
    const map = await loadKinematicMap(join(FIXTURES, MANGA));
    const vel = oracleHdu(MANGA, 'STELLAR_VEL');
    const sig = oracleHdu(MANGA, 'STELLAR_SIGMA');
    expect(map.survey).toBe('MaNGA');
    expect(map.galaxyId).toBe('7815-3702');
    expect([map.height, map.width]).toEqual(vel.shape);
    expect(map.pixelScaleArcsec).toBeCloseTo(0.5, 4);
    expect(countValid(map.valid)).toBe(773); // STELLAR_VEL_MASK == 0
    const pre = preprocessMap(map);
    expect(sum(pre.input)).toBeCloseTo(vel.centre40.sum_nan_to_0, 2);
    expect(nonzero(pre.input)).toBe(vel.centre40.nonzero);
    // STELLAR_SIGMACORR is all zero in this DAP version, so the corrected σ equals STELLAR_SIGMA
    expect(sum(pre.channels?.dispersion ?? [])).toBeCloseTo(sig.centre40.sum_nan_to_0, 1);
  });
});

describe('file names and pairing', () => {
  it('parses DR2 and DR3 names and pairs velocity with dispersion', () => {
    expect(parseSamiFileName(SAMI_VEL)).toEqual({
      catid: '105420',
      cube: undefined,
      quantity: 'velocity',
      binning: 'default',
      moments: 'two-moment',
    });
    expect(
      parseSamiFileName('9011900128_A_stellar-velocity-dispersion_adaptive_four-moment.fits.gz')?.quantity,
    ).toBe('dispersion');
    const { pairs, orphans } = pairProductFiles([
      'a/7_A_stellar-velocity_default_two-moment.fits',
      'b/7_A_stellar-velocity-dispersion_default_two-moment.fits',
      'c/8_A_stellar-velocity_default_two-moment.fits',
      'd/9_A_stellar-velocity-dispersion_default_two-moment.fits',
      MANGA,
    ]);
    expect(pairs).toEqual([
      { galaxyId: '7815-3702', velocityFile: MANGA },
      {
        galaxyId: '7',
        velocityFile: 'a/7_A_stellar-velocity_default_two-moment.fits',
        dispersionFile: 'b/7_A_stellar-velocity-dispersion_default_two-moment.fits',
      },
      {
        galaxyId: '8',
        velocityFile: 'c/8_A_stellar-velocity_default_two-moment.fits',
        dispersionFile: undefined,
      },
    ]);
    expect(orphans).toEqual(['d/9_A_stellar-velocity-dispersion_default_two-moment.fits']);
  });
});
