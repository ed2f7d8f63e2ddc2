/**
 * Raster images of 2-D maps with fast-png: a map → RGBA pixels through a colormap, upscaled by
 * whole pixels (nearest neighbour: one spaxel = one visible square, no invented detail),
 * invalid spaxels in light grey. Used for velocity maps, attribution maps and colour bars.
 */
import { encode } from 'fast-png';
import { GalspinError } from '../errors.ts';
import { type Colormap, colourAt } from './colormap.ts';

export const INVALID_RGB = [224, 224, 224] as const;

export interface MapRasterOptions {
  cmap: Colormap;
  /** Value mapped to the bottom of the ramp. */
  vmin: number;
  /** Value mapped to the top of the ramp. */
  vmax: number;
  /** 1 = usable spaxel; invalid or non-finite spaxels are painted INVALID_RGB. */
  valid?: ArrayLike<number>;
  /** Output pixels per spaxel (integer ≥ 1). */
  scale?: number;
  /** Astronomical convention: row 0 at the bottom (FITS order). Default true. */
  flipY?: boolean;
}

export class RasterError extends GalspinError {
  override name = 'RasterError';
}

/** RGBA pixels for a row-major `width × height` map (value at r*width + c). */
export function mapToRgba(
  values: ArrayLike<number>,
  width: number,
  height: number,
  opts: MapRasterOptions,
): { data: Uint8Array; width: number; height: number } {
  if (values.length !== width * height) {
    throw new RasterError(`map has ${values.length} values, expected ${width}×${height}`);
  }
  const scale = Math.max(1, Math.round(opts.scale ?? 1));
  const span = opts.vmax - opts.vmin || 1;
  const W = width * scale;
  const H = height * scale;
  const data = new Uint8Array(W * H * 4);
  for (let r = 0; r < height; r++) {
    const outRow = opts.flipY === false ? r : height - 1 - r;
    for (let c = 0; c < width; c++) {
      const i = r * width + c;
      const v = values[i];
      const ok = Number.isFinite(v) && (!opts.valid || opts.valid[i]);
      const rgb = ok ? colourAt(opts.cmap, (v - opts.vmin) / span) : INVALID_RGB;
      for (let dy = 0; dy < scale; dy++) {
        let o = ((outRow * scale + dy) * W + c * scale) * 4;
        for (let dx = 0; dx < scale; dx++, o += 4) {
          data[o] = rgb[0];
          data[o + 1] = rgb[1];
          data[o + 2] = rgb[2];
          data[o + 3] = 255;
        }
      }
    }
  }
  return { data, width: W, height: H };
}

/** A map as PNG bytes. */
export function mapToPng(
  values: ArrayLike<number>,
  width: number,
  height: number,
  opts: MapRasterOptions,
): Uint8Array {
  const img = mapToRgba(values, width, height, opts);
  return encode({ width: img.width, height: img.height, data: img.data, channels: 4, depth: 8 });
}

/** A vertical colour bar (top = vmax) as PNG bytes, `width × height` pixels. */
export function colourBarPng(cmap: Colormap, width = 12, height = 256): Uint8Array {
  const ramp = new Float64Array(height);
  for (let r = 0; r < height; r++) ramp[r] = r / (height - 1);
  const column = mapToRgba(ramp, 1, height, { cmap, vmin: 0, vmax: 1, flipY: true });
  const data = new Uint8Array(width * height * 4);
  for (let r = 0; r < height; r++) {
    for (let c = 0; c < width; c++) data.set(column.data.subarray(r * 4, r * 4 + 4), (r * width + c) * 4);
  }
  return encode({ width, height, data, channels: 4, depth: 8 });
}

export function pngDataUrl(png: Uint8Array): string {
  return `data:image/png;base64,${Buffer.from(png).toString('base64')}`;
}
