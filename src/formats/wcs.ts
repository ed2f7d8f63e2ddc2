/**
 * The celestial WCS of an input map, carried to a product drawn on the network's grid (the paper's
 * centred 40×40 crop, after resampling to 0.5″ spaxels when the input differs): FITS WCS Paper I/II
 * (Greisen & Calabretta 2002; Calabretta & Greisen 2002) keywords of axes 1 and 2, with the reference
 * pixel moved by the crop and resampling and the scale (CDELTi or CDi_j) divided by the resampling
 * factor. PCi_j, CTYPEi, CUNITi, CRVALi and the frame keywords are unchanged by either step.
 */
import type { FitsFile, FitsHeader, FitsValue, Hdu } from '../fits/index.ts';
import { pixelScaleArcsec } from '../maps/load.ts';
import { TARGET_PIXEL_SCALE_ARCSEC } from '../maps/network-grid.ts';

export type HeaderCards = Record<string, { value: FitsValue; comment?: string }>;

const CELESTIAL = /^(RA|DEC|GLON|GLAT|ELON|ELAT|SLON|SLAT|HPLN|HPLT)-*(-[A-Z0-9]{3})?$/;
/** Keywords copied as they are (no dependence on the pixel grid). */
const VERBATIM = [
  'WCSAXES',
  'CTYPE1',
  'CTYPE2',
  'CUNIT1',
  'CUNIT2',
  'CRVAL1',
  'CRVAL2',
  'PC1_1',
  'PC1_2',
  'PC2_1',
  'PC2_2',
  'CROTA2',
  'LONPOLE',
  'LATPOLE',
  'RADESYS',
  'EQUINOX',
  'DATE-OBS',
  'MJD-OBS',
];

/** True when axes 1 and 2 of `header` are a celestial pair (RA/Dec, Galactic, …). */
export function hasCelestialWcs(header: FitsHeader): boolean {
  const t1 = header.getString('CTYPE1')?.trim().toUpperCase();
  const t2 = header.getString('CTYPE2')?.trim().toUpperCase();
  return !!t1 && !!t2 && CELESTIAL.test(t1) && CELESTIAL.test(t2);
}

/** The first 2-D image HDU with a celestial WCS (SAMI: the primary; MaNGA MAPS: STELLAR_VEL). */
export function celestialHdu(fits: FitsFile): Hdu | undefined {
  return fits.hdus.find(
    (h) =>
      (h.type === 'image' || h.type === 'compressed-image') &&
      h.naxis.filter((n, i) => i < 2 || n !== 1).length === 2 &&
      hasCelestialWcs(h.header),
  );
}

/**
 * WCS cards for the centred `size`×`size` crop of `header`'s `width`×`height` map, resampled to
 * `targetScale` arcsec per spaxel when the map's own scale differs by more than 1 % (as
 * src/maps/network-grid.ts does). Empty when the header has no celestial WCS.
 */
export function croppedWcs(
  header: FitsHeader,
  width: number,
  height: number,
  size: number,
  targetScale = TARGET_PIXEL_SCALE_ARCSEC,
): HeaderCards {
  if (!hasCelestialWcs(header)) return {};
  const scale = pixelScaleArcsec(header);
  const f = scale !== undefined && Math.abs(scale / targetScale - 1) > 0.01 ? scale / targetScale : 1;
  const out: HeaderCards = {};
  for (const k of VERBATIM) {
    const v = header.get(k);
    if (v !== undefined) out[k] = { value: v };
  }
  const axes: [number, number][] = [
    [1, width],
    [2, height],
  ];
  for (const [axis, n] of axes) {
    const resampled = f === 1 ? n : Math.max(1, Math.round(n * f));
    const offset = Math.floor((resampled - size) / 2);
    const crpix = header.getNumber(`CRPIX${axis}`);
    if (crpix !== undefined) {
      // 0-based: x_out = (x_in − (n−1)/2)·f + (n'−1)/2, then the crop subtracts its offset.
      const xOut = (crpix - 1 - (n - 1) / 2) * f + (resampled - 1) / 2;
      out[`CRPIX${axis}`] = { value: xOut - offset + 1, comment: 'reference pixel on the cropped grid' };
    }
    const cdelt = header.getNumber(`CDELT${axis}`);
    if (cdelt !== undefined) out[`CDELT${axis}`] = { value: cdelt / f };
    for (const j of [1, 2]) {
      const cd = header.getNumber(`CD${axis}_${j}`);
      if (cd !== undefined) out[`CD${axis}_${j}`] = { value: cd / f };
    }
  }
  return out;
}
