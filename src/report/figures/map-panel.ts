/**
 * Vega-Lite building blocks for raster maps: a map image (fast-png, embedded as a data URL) and a
 * matplotlib-style colour bar (the same ramp as a raster strip, with a quantitative axis beside it).
 */
import type { Colormap } from '../../formats/colormap.ts';
import { colourBarPng, mapToPng, pngDataUrl } from '../../formats/raster.ts';

/** A 2-D map to draw: row-major values (r*width + c), FITS orientation (row 0 at the bottom). */
export interface MapImage {
  galaxyId: string;
  width: number;
  height: number;
  values: ArrayLike<number>;
  valid?: ArrayLike<number>;
}

// Vega-Lite's unit/layer spec types are deep unions; these builders return plain objects that the
// figure modules place inside typed top-level specs.
type Spec = Record<string, unknown>;

/**
 * A map as an image mark of `size` CSS pixels, titled, drawn with FITS row 0 at the bottom (origin
 * lower, as ds9 and matplotlib `origin='lower'` show a FITS image). With `arcsecPerSpaxel`, offset axes
 * in arcsec from the map centre frame it (x to the right, y up, as the FITS columns and rows run).
 */
export function mapImageSpec(
  map: MapImage,
  opts: {
    cmap: Colormap;
    vmin: number;
    vmax: number;
    size: number;
    title?: string | { text: string; subtitle?: string };
    /** Spaxel size in arcsec (SAMI 0.5″; from the WCS CDELT when known); draws arcsec axes. */
    arcsecPerSpaxel?: number;
  },
): Spec {
  const scale = Math.max(1, Math.ceil((2 * opts.size) / Math.max(map.width, map.height)));
  const png = mapToPng(map.values, map.width, map.height, {
    cmap: opts.cmap,
    vmin: opts.vmin,
    vmax: opts.vmax,
    valid: map.valid,
    scale,
  });
  const h = Math.round((opts.size * map.height) / map.width);
  const title = opts.title
    ? {
        title:
          typeof opts.title === 'string'
            ? { text: opts.title, fontSize: 11 }
            : { fontSize: 11, ...opts.title },
      }
    : {};
  const image = {
    data: { values: [{ url: pngDataUrl(png) }] },
    mark: { type: 'image', width: opts.size, height: h, aspect: false, align: 'left', baseline: 'top' },
    encoding: { x: { value: 0 }, y: { value: 0 }, url: { field: 'url', type: 'nominal' } },
  };
  if (opts.arcsecPerSpaxel === undefined) return { width: opts.size, height: h, ...title, ...image };
  const halfX = (map.width * opts.arcsecPerSpaxel) / 2;
  const halfY = (map.height * opts.arcsecPerSpaxel) / 2;
  // Invisible corner points carry the arcsec scales; the image fills the same frame.
  const axes = {
    data: {
      values: [
        { x: -halfX, y: -halfY },
        { x: halfX, y: halfY },
      ],
    },
    mark: { type: 'point', opacity: 0 },
    encoding: {
      x: {
        field: 'x',
        type: 'quantitative',
        scale: { domain: [-halfX, halfX], nice: false, zero: false },
        axis: { title: 'Δx (arcsec)', grid: false, tickCount: 5, titleFontSize: 10, labelFontSize: 9 },
      },
      y: {
        field: 'y',
        type: 'quantitative',
        scale: { domain: [-halfY, halfY], nice: false, zero: false },
        axis: { title: 'Δy (arcsec)', grid: false, tickCount: 5, titleFontSize: 10, labelFontSize: 9 },
      },
    },
  };
  return { width: opts.size, height: h, ...title, layer: [image, axes] };
}

/** A vertical colour bar `height` px tall with an axis from vmin to vmax on its right. */
export function colourBarSpec(opts: {
  cmap: Colormap;
  vmin: number;
  vmax: number;
  height: number;
  title: string;
}): Spec {
  const url = pngDataUrl(colourBarPng(opts.cmap, 4, 256));
  return {
    width: 12,
    height: opts.height,
    view: { stroke: '#888' },
    layer: [
      {
        data: { values: [{ url }] },
        mark: {
          type: 'image',
          width: 12,
          height: opts.height,
          aspect: false,
          align: 'left',
          baseline: 'top',
        },
        encoding: { x: { value: 0 }, y: { value: 0 }, url: { field: 'url', type: 'nominal' } },
      },
      {
        data: { values: [{ v: opts.vmin }, { v: opts.vmax }] },
        mark: { type: 'point', opacity: 0 },
        encoding: {
          x: { value: 6 },
          y: {
            field: 'v',
            type: 'quantitative',
            scale: { domain: [opts.vmin, opts.vmax], nice: false, zero: false },
            axis: { orient: 'right', title: opts.title, grid: false, tickCount: 5, domain: false },
          },
        },
      },
    ],
  };
}
