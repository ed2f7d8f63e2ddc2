import { basename } from 'node:path';
import type { FitsHeader } from '../fits/index.ts';
import { type FitsFile, type Hdu, readFitsFile } from '../fits/index.ts';
import { type KinematicMap, MapError } from './types.ts';

/** Largest map side accepted (spaxels); IFS maps are ~20–80 spaxels across. */
export const MAX_MAP_SIDE = 1024;
/** Spaxel size assumed when a file has no usable celestial WCS (SAMI and MaNGA both use 0.5″). */
export const DEFAULT_PIXEL_SCALE_ARCSEC = 0.5;

const KMS = /^\s*km\s*(\/\s*s|s\^?-1|\.s\^?-1)\s*$/i;

/** Parsed SAMI product name: `<CATID>[_<cube>]_stellar-velocity[-dispersion]_<binning>_<moments>.fits[.gz]`. */
export interface SamiProductName {
  catid: string;
  cube?: string;
  quantity: 'velocity' | 'dispersion';
  binning: string;
  moments: string;
}

export function parseSamiFileName(path: string): SamiProductName | undefined {
  const m = /^(\d+)(?:_([A-Z]))?_stellar-velocity(-dispersion)?_([a-z]+)_([a-z-]+)\.fits(?:\.gz)?$/i.exec(
    basename(path),
  );
  if (!m) return undefined;
  return {
    catid: m[1],
    cube: m[2],
    quantity: m[3] ? 'dispersion' : 'velocity',
    binning: m[4],
    moments: m[5],
  };
}

/** Spaxel size in arcsec from CDi_j, or PCi_j × CDELTi, of a celestial WCS in degrees. */
export function pixelScaleArcsec(header: FitsHeader): number | undefined {
  const unit = header.getString('CUNIT1')?.trim().toLowerCase();
  const toArcsec =
    unit === 'arcsec' ? 1 : unit === 'arcmin' ? 60 : unit === undefined || unit === 'deg' ? 3600 : undefined;
  if (toArcsec === undefined) return undefined;
  const cd11 = header.getNumber('CD1_1');
  if (cd11 !== undefined) {
    const cd21 = header.getNumber('CD2_1') ?? 0;
    const s = Math.hypot(cd11, cd21) * toArcsec;
    return s > 0 ? s : undefined;
  }
  const cdelt = header.getNumber('CDELT1');
  if (cdelt === undefined) return undefined;
  const pc11 = header.getNumber('PC1_1') ?? 1;
  const pc21 = header.getNumber('PC2_1') ?? 0;
  const s = Math.abs(cdelt) * Math.hypot(pc11, pc21) * toArcsec;
  return s > 0 ? s : undefined;
}

function image2d(
  hdu: Hdu | undefined,
  file: string,
  what: string,
): { data: Float64Array; width: number; height: number } {
  if (!hdu) throw new MapError(file, `no ${what} extension`);
  if (hdu.type !== 'image' && hdu.type !== 'compressed-image') {
    throw new MapError(file, `${what} (HDU ${hdu.index}) is a ${hdu.type}, not an image`);
  }
  const axes = hdu.naxis.filter((n, i) => i < 2 || n !== 1);
  if (axes.length !== 2)
    throw new MapError(file, `${what} (HDU ${hdu.index}) is not a 2-D map (NAXIS = ${hdu.naxis.length})`);
  const [width, height] = axes;
  if (width < 2 || height < 2 || width > MAX_MAP_SIDE || height > MAX_MAP_SIDE) {
    throw new MapError(file, `${what} map of ${width}×${height} spaxels is outside 2..${MAX_MAP_SIDE}`);
  }
  return { data: hdu.image(), width, height };
}

function checkUnit(hdu: Hdu, file: string, what: string): void {
  const unit = hdu.header.getString('UNIT') ?? hdu.header.getString('BUNIT');
  if (unit !== undefined && unit.trim() !== '' && !KMS.test(unit)) {
    throw new MapError(file, `${what} unit '${unit.trim()}' is not km/s`);
  }
}

/** Extension by name (aliases in order), else the extension at `index` when it has no EXTNAME. */
function extension(fits: FitsFile, names: string[], index: number): Hdu | undefined {
  for (const n of names) {
    const h = fits.hdu(n);
    if (h) return h;
  }
  const h = index > 0 ? fits.hdus[index] : undefined;
  return h && h.extname === undefined ? h : undefined;
}

function samiQuantity(fits: FitsFile): 'velocity' | 'dispersion' | undefined {
  if (fits.hdu('VEL_ERR')) return 'velocity';
  if (fits.hdu('SIG_ERR')) return 'dispersion';
  const fromName = parseSamiFileName(fits.file)?.quantity;
  if (fromName) return fromName;
  const product = fits.hdus[0]?.header.getString('PRODUCT')?.toLowerCase() ?? '';
  if (product.includes('dispersion')) return 'dispersion';
  if (product.includes('kinematic') || product.includes('velocity')) return 'velocity';
  return undefined;
}

function samiCatid(fits: FitsFile): string {
  const fromHeader = fits.hdus[0]?.header.getString('CATID')?.trim();
  if (fromHeader) return fromHeader;
  const fromName = parseSamiFileName(fits.file)?.catid ?? /^(\d+)_/.exec(basename(fits.file))?.[1];
  if (fromName) return fromName;
  throw new MapError(fits.file, 'no CATID in the header and none in the file name');
}

function finiteMask(values: Float64Array): Uint8Array {
  const valid = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) valid[i] = Number.isFinite(values[i]) ? 1 : 0;
  return valid;
}

function optionalPlane(fits: FitsFile, names: string[], index: number, width: number, height: number) {
  const hdu = extension(fits, names, index);
  if (!hdu || (hdu.type !== 'image' && hdu.type !== 'compressed-image')) return undefined;
  const [w, h] = hdu.naxis;
  if (w !== width || h !== height)
    throw new MapError(
      fits.file,
      `${hdu.extname ?? `HDU ${hdu.index}`} is ${w}×${h}, the map is ${width}×${height}`,
    );
  return hdu.image();
}

/**
 * SAMI DR2/DR3 stellar kinematics (Scott et al. 2018; Croom et al. 2021): PRIMARY velocity or σ (km/s,
 * NaN where not fitted), VEL_ERR/SIG_ERR, FLUX, FLUX_ERR, SNR (DR2: SN). Extensions by name, else by index.
 */
function loadSami(velocity: FitsFile, dispersion?: FitsFile): KinematicMap {
  const vq = samiQuantity(velocity);
  if (vq === 'dispersion') {
    throw new MapError(
      velocity.file,
      'is a stellar-velocity-dispersion product; give the stellar-velocity file first',
    );
  }
  const primary = velocity.hdus[0];
  const v = image2d(primary, velocity.file, 'velocity');
  checkUnit(primary, velocity.file, 'velocity');
  const galaxyId = samiCatid(velocity);
  const map: KinematicMap = {
    galaxyId,
    survey: 'SAMI',
    width: v.width,
    height: v.height,
    pixelScaleArcsec: pixelScaleArcsec(primary.header) ?? DEFAULT_PIXEL_SCALE_ARCSEC,
    velocity: v.data,
    velocityError: optionalPlane(velocity, ['VEL_ERR'], 1, v.width, v.height),
    flux: optionalPlane(velocity, ['FLUX'], 2, v.width, v.height),
    snr: optionalPlane(velocity, ['SNR', 'SN'], 4, v.width, v.height),
    valid: finiteMask(v.data),
    source: { velocityFile: velocity.file },
  };
  if (dispersion) {
    if (samiQuantity(dispersion) === 'velocity') {
      throw new MapError(dispersion.file, 'is a stellar-velocity product, not a dispersion product');
    }
    const dp = dispersion.hdus[0];
    const d = image2d(dp, dispersion.file, 'dispersion');
    checkUnit(dp, dispersion.file, 'dispersion');
    if (d.width !== v.width || d.height !== v.height) {
      throw new MapError(
        dispersion.file,
        `dispersion map is ${d.width}×${d.height}, velocity map is ${v.width}×${v.height}`,
      );
    }
    const dId = samiCatid(dispersion);
    if (dId !== galaxyId)
      throw new MapError(dispersion.file, `CATID ${dId} does not match the velocity file's ${galaxyId}`);
    map.dispersion = d.data;
    map.dispersionError = optionalPlane(dispersion, ['SIG_ERR'], 1, v.width, v.height);
    map.source.dispersionFile = dispersion.file;
  }
  return map;
}

/**
 * MaNGA DAP MAPS (Westfall et al. 2019): STELLAR_VEL and STELLAR_SIGMA with their *_MASK bits applied
 * (any bit set → invalid, value NaN), σ corrected for instrumental resolution as √(σ² − σcorr²)
 * with STELLAR_SIGMACORR (NaN where σ < σcorr). Units km/s; flux from SPX_MFLUX, S/N from SPX_SNR.
 */
function loadManga(fits: FitsFile): KinematicMap {
  const velHdu = fits.hdu('STELLAR_VEL');
  const v = image2d(velHdu, fits.file, 'STELLAR_VEL');
  if (velHdu) checkUnit(velHdu, fits.file, 'STELLAR_VEL');
  const size = v.width * v.height;
  const plane = (name: string) => optionalPlane(fits, [name], -1, v.width, v.height);
  const velMask = plane('STELLAR_VEL_MASK');
  const velIvar = plane('STELLAR_VEL_IVAR');
  const velocity = new Float64Array(size);
  const valid = new Uint8Array(size);
  const velocityError = velIvar ? new Float64Array(size) : undefined;
  for (let i = 0; i < size; i++) {
    const ok = Number.isFinite(v.data[i]) && (!velMask || velMask[i] === 0);
    valid[i] = ok ? 1 : 0;
    velocity[i] = ok ? v.data[i] : Number.NaN;
    if (velocityError && velIvar)
      velocityError[i] = ok && velIvar[i] > 0 ? 1 / Math.sqrt(velIvar[i]) : Number.NaN;
  }
  let dispersion: Float64Array | undefined;
  const sigma = plane('STELLAR_SIGMA');
  if (sigma) {
    const sMask = plane('STELLAR_SIGMA_MASK');
    const sCorr = plane('STELLAR_SIGMACORR');
    dispersion = new Float64Array(size);
    for (let i = 0; i < size; i++) {
      const s2 = sigma[i] * sigma[i] - (sCorr ? sCorr[i] * sCorr[i] : 0);
      const ok = Number.isFinite(sigma[i]) && (!sMask || sMask[i] === 0) && s2 >= 0;
      dispersion[i] = ok ? Math.sqrt(s2) : Number.NaN;
    }
  }
  const primary = fits.hdus[0]?.header;
  const galaxyId =
    primary?.getString('PLATEIFU')?.trim() ||
    /manga-(\d+-\d+)/i.exec(basename(fits.file))?.[1] ||
    primary?.getString('MANGAID')?.trim();
  if (!galaxyId) throw new MapError(fits.file, 'no PLATEIFU/MANGAID in the header and none in the file name');
  const flux = plane('SPX_MFLUX');
  const snr = plane('SPX_SNR');
  return {
    galaxyId,
    survey: 'MaNGA',
    width: v.width,
    height: v.height,
    pixelScaleArcsec: (velHdu && pixelScaleArcsec(velHdu.header)) ?? DEFAULT_PIXEL_SCALE_ARCSEC,
    velocity,
    dispersion,
    flux,
    velocityError,
    snr,
    valid,
    source: { velocityFile: fits.file },
  };
}

/**
 * A KinematicMap from a parsed SAMI DR2/DR3 stellar-velocity file (optionally paired with its
 * dispersion file) or a MaNGA DAP MAPS file. MapError for anything else.
 */
export function loadKinematicMapFromFits(fits: FitsFile, opts: { dispersion?: FitsFile } = {}): KinematicMap {
  if (fits.hdu('STELLAR_VEL')) {
    if (opts.dispersion)
      throw new MapError(opts.dispersion.file, 'a MaNGA MAPS file carries its own dispersion');
    return loadManga(fits);
  }
  const primary = fits.hdus[0];
  if (!primary || primary.naxis.length === 0) {
    throw new MapError(
      fits.file,
      'neither a SAMI stellar kinematics map (2-D primary) nor a MaNGA MAPS file (STELLAR_VEL)',
    );
  }
  const known = samiQuantity(fits) !== undefined || fits.hdus[0].header.has('CATID');
  if (!known)
    throw new MapError(
      fits.file,
      'not a SAMI stellar-velocity product (no VEL_ERR, CATID or SAMI file name)',
    );
  const map = loadSami(fits, opts.dispersion);
  // NaN outside the fitted region is the SAMI convention; a map with no finite spaxel is unusable
  if (!map.valid.some((x) => x === 1)) throw new MapError(fits.file, 'velocity map has no valid spaxel');
  return map;
}

/** Reads and loads one galaxy (see {@link loadKinematicMapFromFits}). */
export async function loadKinematicMap(velocityPath: string, dispersionPath?: string): Promise<KinematicMap> {
  const velocity = await readFitsFile(velocityPath);
  const dispersion = dispersionPath ? await readFitsFile(dispersionPath) : undefined;
  return loadKinematicMapFromFits(velocity, { dispersion });
}

/** The SAMI dispersion product's path beside a velocity product's (same CATID, cube, binning, moments). */
export function dispersionSiblingPath(velocityPath: string): string | undefined {
  const next = velocityPath.replace(/_stellar-velocity_(?=[^/\\]*$)/, '_stellar-velocity-dispersion_');
  return next === velocityPath ? undefined : next;
}

export interface ProductPair {
  galaxyId: string;
  velocityFile: string;
  dispersionFile?: string;
}

/**
 * Groups file paths into per-galaxy products by their SAMI names: the velocity file of a CATID/cube/
 * binning/moments is paired with the matching dispersion file. MaNGA MAPS files and unrecognised
 * names stand alone (galaxy id from the name when possible). A dispersion file without its velocity
 * file is returned in `orphans`.
 */
export function pairProductFiles(paths: readonly string[]): { pairs: ProductPair[]; orphans: string[] } {
  const velocity = new Map<string, string>();
  const dispersion = new Map<string, string>();
  const pairs: ProductPair[] = [];
  const keyOf = (n: SamiProductName) => `${n.catid}|${n.cube ?? ''}|${n.binning}|${n.moments}`;
  for (const p of paths) {
    const name = parseSamiFileName(p);
    if (!name) {
      const manga = /manga-(\d+-\d+)/i.exec(basename(p))?.[1];
      pairs.push({ galaxyId: manga ?? basename(p).replace(/\.fits(\.gz)?$/i, ''), velocityFile: p });
      continue;
    }
    (name.quantity === 'velocity' ? velocity : dispersion).set(keyOf(name), p);
  }
  for (const [key, v] of velocity) {
    pairs.push({ galaxyId: key.split('|')[0], velocityFile: v, dispersionFile: dispersion.get(key) });
    dispersion.delete(key);
  }
  return { pairs, orphans: [...dispersion.values()] };
}
