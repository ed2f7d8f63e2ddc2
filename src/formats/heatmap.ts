/**
 * Attribution heatmap as a PNG, the one the worker and `galspin explain` write beside each FITS:
 * the report's rasteriser (./raster.ts) with the diverging RdBu_r ramp, limits ±max|value| so that
 * white means "no contribution" (as in the paper's IG figures), masked spaxels grey, and FITS
 * orientation — row 0 at the bottom (ds9 and matplotlib `origin='lower'` show the FITS the same way).
 */
import { DIVERGING, symmetricLimit } from './colormap.ts';
import { mapToPng } from './raster.ts';

/** Row-major `width`×`height` attribution map → PNG, `scale` pixels per spaxel (default 8). */
export function attributionPng(
  values: ArrayLike<number>,
  width: number,
  height: number,
  opts: { scale?: number; valid?: ArrayLike<number> } = {},
): Uint8Array {
  const lim = symmetricLimit(values);
  return mapToPng(values, width, height, {
    cmap: DIVERGING,
    vmin: -lim,
    vmax: lim,
    valid: opts.valid,
    scale: opts.scale ?? 8,
  });
}
