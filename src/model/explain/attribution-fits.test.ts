/**
 * The attribution files as astropy and ds9 see them: astropy (the oracle) reads the FITS with
 * CCDData.read (a BUNIT it parses) and its WCS puts each attribution spaxel on the same sky position
 * as the input spaxel it came from; the PNG shows the FITS with row 0 at the bottom (ds9, origin='lower').
 * Skips only when python3 with astropy is absent.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as tfjs from '@tensorflow/tfjs';
import { decode } from 'fast-png';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildToyModel } from '../../../test/support/attribution-testkit.ts';
import { colourAt, DIVERGING, symmetricLimit } from '../../formats/colormap.ts';
import { loadKinematicMap, preprocessMap } from '../../maps/index.ts';
import { initBackend } from '../backend.ts';
import { explainMaps } from './attribution.ts';

const FIXTURES = join(import.meta.dirname, '../../../test/fixtures/fits');
const SAMI = join(FIXTURES, '105420_stellar-velocity_default_two-moment.fits');
const MANGA = join(FIXTURES, 'manga-7815-3702-MAPS-HYB10-GAU-MILESHC.fits.gz');

function hasAstropy(): boolean {
  try {
    execFileSync('python3', ['-c', 'import astropy.nddata, astropy.wcs'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const astropy = hasAstropy();
if (!astropy) console.warn('attribution FITS oracle skipped: python3 with astropy not found');

/** For each (IG file, input file, input HDU): CCDData unit, shape, and the sky offset (arcsec) between
 * IG pixel (x, y) and input pixel (x + dx, y + dy) at three probes, where dx, dy is the centred crop. */
const ORACLE = `
import json, sys, warnings
import numpy as np
from astropy import units as u
from astropy.io import fits
from astropy.nddata import CCDData
from astropy.wcs import WCS
warnings.simplefilter('ignore')
out = []
for ig, src, ext in json.loads(sys.argv[1]):
    ccd = CCDData.read(ig)
    w_ig = WCS(fits.getheader(ig, 0))
    hsrc = fits.getheader(src, ext)
    w_src = WCS(hsrc).celestial
    dx = (hsrc['NAXIS1'] - ccd.shape[1]) // 2
    dy = (hsrc['NAXIS2'] - ccd.shape[0]) // 2
    sep = []
    for x, y in [(0, 0), (39, 0), (17, 33)]:
        a = w_ig.pixel_to_world(x, y)
        b = w_src.pixel_to_world(x + dx, y + dy)
        sep.append(float(a.separation(b).arcsec))
    out.append({'unit': str(ccd.unit), 'shape': list(ccd.shape), 'celestial': bool(w_ig.has_celestial),
                'sep': sep, 'scale': float(np.mean([abs(u.Quantity(q, u.deg).to_value(u.arcsec)) for q in w_ig.proj_plane_pixel_scales()])),
                'sum': float(np.asarray(ccd.data, dtype='f8').sum())})
print(json.dumps(out))
`;

let dir: string;
let tf: typeof tfjs;
let model: tfjs.LayersModel;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'galspin-igfits-'));
  ({ tf } = await initBackend(process.env.GALSPIN_BACKEND ?? 'auto', { log: () => {} }));
  model = buildToyModel(tf, 3);
}, 120_000);

afterAll(async () => {
  model?.dispose();
  await rm(dir, { recursive: true, force: true });
});

describe('attribution FITS and PNG', () => {
  it.skipIf(!astropy)(
    'astropy reads the FITS (CCDData, dimensionless) and its WCS matches the input spaxel by spaxel',
    async () => {
      const inputs = await Promise.all(
        [SAMI, MANGA].map(async (file) => ({ file, map: preprocessMap(await loadKinematicMap(file)) })),
      );
      const rows = await explainMaps(tf, model, inputs, { out: dir, steps: 8, formats: { npy: false } });
      const fitsOut = rows.map((r) => r.outputs.find((o) => o.endsWith('.fits')) as string);
      const json = execFileSync(
        'python3',
        [
          '-c',
          ORACLE,
          JSON.stringify([
            [fitsOut[0], SAMI, 0],
            [fitsOut[1], MANGA, 'STELLAR_VEL'],
          ]),
        ],
        { encoding: 'utf8' },
      );
      const got = JSON.parse(json) as {
        unit: string;
        shape: number[];
        celestial: boolean;
        sep: number[];
        scale: number;
        sum: number;
      }[];
      for (const [k, g] of got.entries()) {
        expect(g.unit).toBe('');
        expect(g.shape).toEqual([40, 40]);
        expect(g.celestial).toBe(true);
        expect(g.scale).toBeCloseTo(0.5, 3);
        // the same sky position to well under a spaxel (0.5″)
        for (const s of g.sep) expect(s).toBeLessThan(1e-3);
        expect(g.sum).toBeCloseTo(rows[k].attributionSum, 3);
      }
    },
    120_000,
  );

  it('draws the PNG as ds9 shows the FITS: FITS row 0 is the bottom row of the image', async () => {
    const map = preprocessMap(await loadKinematicMap(SAMI));
    const out = join(dir, 'png');
    const [row] = await explainMaps(tf, model, [{ file: SAMI, map }], {
      out,
      steps: 8,
      formats: { npy: false },
    });
    const { parseFits } = await import('../../fits/index.ts');
    const fitsFile = row.outputs.find((o) => o.endsWith('.fits')) as string;
    const img = parseFits(new Uint8Array(await readFile(fitsFile))).hdus[0].image();
    const png = decode(await readFile(row.outputs.find((o) => o.endsWith('.png')) as string));
    const scale = png.width / 40;
    const lim = symmetricLimit(img);
    // A valid spaxel with a clearly non-zero attribution, low in the map (FITS row r < 20).
    let probe = -1;
    for (let i = 0; i < 20 * 40 && probe < 0; i++)
      if (map.valid[i] && Math.abs(img[i]) > 0.3 * lim) probe = i;
    expect(probe).toBeGreaterThanOrEqual(0);
    const r = Math.floor(probe / 40);
    const c = probe % 40;
    const y = (40 - 1 - r) * scale + Math.floor(scale / 2); // PNG rows run top-down
    const x = c * scale + Math.floor(scale / 2);
    const at = (png.width * y + x) * png.channels;
    expect(Array.from(png.data.slice(at, at + 3))).toEqual(colourAt(DIVERGING, (img[probe] / lim + 1) / 2));
  }, 120_000);
});
