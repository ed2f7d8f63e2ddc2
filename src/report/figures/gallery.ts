import type { TopLevelSpec } from 'vega-lite';
import { DIVERGING, symmetricLimit } from '../../formats/colormap.ts';
import { type Figure, FigureError, renderFigure } from '../render.ts';
import { colourBarSpec, type MapImage, mapImageSpec } from './map-panel.ts';

export interface GalleryMap extends MapImage {
  /** P(fast) the model gave this galaxy. */
  p?: number;
}

export interface GalleryInput {
  /** File stem of the figure. */
  name: string;
  title: string;
  /** Why these maps (e.g. "none misclassified; the nearest misses instead"). */
  subtitle?: string;
  caption: string;
  maps: readonly GalleryMap[];
  /** Spaxel size in arcsec: arcsec axes on every map. */
  arcsecPerSpaxel?: number;
  /** Most maps drawn (default 12). */
  max?: number;
}

const SIZE = 130;
const COLUMNS = 6;

/**
 * A gallery of velocity maps with P(fast) above each (Chegeni et al. 2025, Figs. 4, 5 and 7): the
 * RdBu_r ramp, each map scaled to its own ±max|V| (99th percentile) so that the pattern, not the
 * amplitude, is compared, origin lower, arcsec axes; one shared colour bar in V/max|V|.
 */
export async function galleryFigure(input: GalleryInput): Promise<Figure> {
  const maps = input.maps.slice(0, input.max ?? 12);
  if (maps.length === 0) throw new FigureError(`${input.name}: no maps`);
  const spec = {
    title: { text: input.title, ...(input.subtitle ? { subtitle: input.subtitle } : {}) },
    hconcat: [
      {
        columns: Math.min(COLUMNS, maps.length),
        spacing: 10,
        concat: maps.map((m) => {
          const lim = symmetricLimit(m.values, m.valid, 0.99);
          const unit = { ...m, values: Array.from(m.values, (v) => v / lim) };
          return mapImageSpec(unit, {
            cmap: DIVERGING,
            vmin: -1,
            vmax: 1,
            size: SIZE,
            arcsecPerSpaxel: input.arcsecPerSpaxel,
            title: {
              text: m.p === undefined ? m.galaxyId : `${m.galaxyId}: P = ${m.p.toFixed(3)}`,
              subtitle: `±${lim.toFixed(0)} km/s`,
            },
          });
        }),
      },
      colourBarSpec({ cmap: DIVERGING, vmin: -1, vmax: 1, height: SIZE, title: 'V / max|V|' }),
    ],
    spacing: 14,
  } as unknown as TopLevelSpec;
  return renderFigure(input.name, input.caption, spec, { vector: false });
}
