/**
 * What a model folder carries so that `galspin report --model DIR` can draw every figure alone: its
 * test split's per-galaxy numbers (label, P(fast), Moran's I, λRe, ε) and 40×40 maps (velocity and
 * dispersion in km/s, Integrated Gradients of the logit per spaxel), plus P(fast) of a set of unknown
 * galaxies and the maps of a few of them.
 *
 *   report-assets.json      provenance and one row per galaxy (`map` = its plane in the FITS cubes)
 *   report-maps.fits.gz     gzipped FITS, three IMAGE HDUs VELOCITY, DISPERSION, IG of shape
 *                           NAXIS1 = NAXIS2 = 40, NAXIS3 = galaxies; BITPIX 16 with BSCALE and
 *                           BLANK (NaN = masked spaxel), FITS orientation (row 0 at the bottom), and
 *                           the 0.5″ spaxel scale in CDELT1/2 (arcsec; no sky position: mock maps)
 *
 * 16-bit quantisation keeps a model folder's assets near 1 MB: the velocity step (BSCALE 0.5 km/s) is
 * far below the maps' noise, and the IG step is 1/30 000 of the largest |IG| of the set.
 */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { PermanentInputError } from '../errors.ts';
import { parseFits, writeFits } from '../fits/index.ts';

export const ASSETS_JSON = 'report-assets.json';
export const ASSETS_MAPS = 'report-maps.fits.gz';

export type AssetLabel = 'fast' | 'slow' | 'unknown';

export interface AssetGalaxy {
  galaxyId: string;
  /** 'test': the model's untouched test split; 'unknown': galaxies with no fast/slow flag. */
  set: 'test' | 'unknown';
  label: AssetLabel;
  /** P(fast): for the test split the value metrics.json holds (its confusion matrix); else the serving one. */
  p: number;
  /** Global Moran's I of the velocity map (rook weights, valid spaxels of the 40×40 crop). */
  moranI?: number;
  /** λRe and εe from the survey catalogue (the values its labels follow). */
  lambdaRe?: number;
  ellipticity?: number;
  /** Plane index in the map cubes, when the galaxy's maps are stored. */
  map?: number;
}

export interface ReportAssets {
  modelVersion: string;
  /** Where the galaxies came from, in words (survey folder, split seed, how it was checked). */
  source: string;
  unknownSource?: string;
  /** Side of the maps (the network's input, 40). */
  size: number;
  /** Spaxel size of the maps, arcsec. */
  pixelScaleArcsec: number;
  galaxies: AssetGalaxy[];
  /** One plane per stored galaxy, row-major size×size, NaN where masked. */
  velocity: Float32Array[];
  dispersion: Float32Array[];
  /** IG of the logit summed over input channels; NaN where no map (unknown galaxies). */
  attribution: Float32Array[];
}

export class ReportAssetsError extends PermanentInputError {
  override name = 'ReportAssetsError';
}

const PLANES = [
  { extname: 'VELOCITY', key: 'velocity', unit: 'km/s', step: () => 0.5 },
  { extname: 'DISPERSION', key: 'dispersion', unit: 'km/s', step: () => 0.5 },
  {
    extname: 'IG',
    key: 'attribution',
    unit: '',
    step: (planes: Float32Array[]) => {
      let max = 0;
      for (const p of planes) for (const v of p) if (Number.isFinite(v)) max = Math.max(max, Math.abs(v));
      return max > 0 ? max / 30000 : 1;
    },
  },
] as const;

/** The gzipped FITS bytes of the map cubes. */
export function encodeAssetMaps(a: ReportAssets): Uint8Array {
  const n = a.velocity.length;
  const area = a.size * a.size;
  const hdus = PLANES.map((plane, i) => {
    const planes = a[plane.key];
    if (planes.length !== n)
      throw new ReportAssetsError(`${plane.extname}: ${planes.length} planes, expected ${n}`);
    const data = new Float32Array(n * area);
    planes.forEach((p, k) => {
      if (p.length !== area)
        throw new ReportAssetsError(`${plane.extname}: plane ${k} is not ${a.size}×${a.size}`);
      data.set(p, k * area);
    });
    const bscale = plane.step(planes);
    // Round to the quantisation grid here so the writer stores exactly these values.
    for (let j = 0; j < data.length; j++)
      if (Number.isFinite(data[j])) data[j] = Math.round(data[j] / bscale) * bscale;
    return {
      bitpix: 16 as const,
      shape: [a.size, a.size, n],
      data,
      extname: plane.extname,
      header: {
        ...(i === 0 ? { MODELVER: { value: a.modelVersion, comment: 'model the assets belong to' } } : {}),
        BSCALE: { value: bscale, comment: 'quantisation step' },
        BZERO: 0,
        BLANK: { value: -32768, comment: 'masked spaxel' },
        BUNIT: { value: plane.unit, comment: plane.unit ? '' : 'dimensionless: IG of the model logit' },
        CTYPE1: 'OFFSET',
        CTYPE2: 'OFFSET',
        CUNIT1: 'arcsec',
        CUNIT2: 'arcsec',
        CRPIX1: (a.size + 1) / 2,
        CRPIX2: (a.size + 1) / 2,
        CRVAL1: 0,
        CRVAL2: 0,
        CDELT1: { value: a.pixelScaleArcsec, comment: '[arcsec] spaxel size' },
        CDELT2: { value: a.pixelScaleArcsec, comment: '[arcsec] spaxel size' },
      },
    };
  });
  // A header-only primary HDU so every cube is a named extension.
  return new Uint8Array(gzipSync(writeFits([{ bitpix: 8, shape: [], header: {} }, ...hdus]), { level: 9 }));
}

/** Writes report-assets.json and report-maps.fits.gz into `dir`; returns their paths. */
export async function writeReportAssets(dir: string, a: ReportAssets): Promise<string[]> {
  const { velocity: _v, dispersion: _d, attribution: _a, ...meta } = a;
  const json = join(dir, ASSETS_JSON);
  const maps = join(dir, ASSETS_MAPS);
  await writeFile(json, `${JSON.stringify({ ...meta, maps: ASSETS_MAPS }, null, 1)}\n`);
  await writeFile(maps, encodeAssetMaps(a));
  return [json, maps];
}

/** Reads a model folder's report assets; undefined when it has none. The error names the bad file. */
export async function readReportAssets(dir: string): Promise<ReportAssets | undefined> {
  const jsonFile = join(dir, ASSETS_JSON);
  if (!existsSync(jsonFile)) return undefined;
  let meta: Omit<ReportAssets, 'velocity' | 'dispersion' | 'attribution'>;
  try {
    meta = JSON.parse(await readFile(jsonFile, 'utf8'));
  } catch (err) {
    throw new ReportAssetsError(`${jsonFile}: not JSON (${(err as Error).message})`);
  }
  if (!Array.isArray(meta.galaxies) || !(meta.size > 0))
    throw new ReportAssetsError(`${jsonFile}: no galaxies or size`);
  const mapsFile = join(dir, ASSETS_MAPS);
  const out: ReportAssets = { ...meta, velocity: [], dispersion: [], attribution: [] };
  if (!existsSync(mapsFile)) {
    if (meta.galaxies.some((g) => g.map !== undefined))
      throw new ReportAssetsError(`${mapsFile}: missing, though ${ASSETS_JSON} refers to its maps`);
    return out;
  }
  const fits = parseFits(new Uint8Array(await readFile(mapsFile)), mapsFile);
  const area = meta.size * meta.size;
  for (const plane of PLANES) {
    const hdu = fits.hdu(plane.extname);
    if (!hdu || hdu.naxis[0] !== meta.size || hdu.naxis[1] !== meta.size)
      throw new ReportAssetsError(`${mapsFile}: no ${meta.size}×${meta.size} ${plane.extname} cube`);
    const data = hdu.image();
    const n = hdu.naxis[2] ?? 1;
    for (let k = 0; k < n; k++)
      out[plane.key].push(Float32Array.from(data.subarray(k * area, (k + 1) * area)));
  }
  const planes = out.velocity.length;
  const bad = meta.galaxies.find((g) => g.map !== undefined && !(g.map >= 0 && g.map < planes));
  if (bad) throw new ReportAssetsError(`${jsonFile}: ${bad.galaxyId} refers to map ${bad.map} of ${planes}`);
  return out;
}
