import type { TopLevelSpec } from 'vega-lite';
import { DIVERGING, symmetricLimit } from '../../formats/colormap.ts';
import { type Figure, FigureError, renderFigure } from '../render.ts';
import { colourBarSpec, type MapImage, mapImageSpec } from './map-panel.ts';

export interface GalleryMap extends MapImage {
  /** P(fast) the model gave this galaxy. */
  p?: number;
}

export interface GalleryInput {
  /** Slow rotators the model called fast. */
  falsePositives: readonly GalleryMap[];
  /** Fast rotators the model called slow. */
  falseNegatives: readonly GalleryMap[];
  /** Most maps drawn per group (default 12). */
  maxPerGroup?: number;
}

const SIZE = 110;
const COLUMNS = 6;

/**
 * Figure 4: galleries of misclassified velocity maps (false positives: true slow called fast;
 * false negatives: true fast called slow), diverging RdBu_r colormap, each map scaled to its own ±max|v|
 * (99th percentile) so the pattern, not the amplitude, is compared; one shared colour bar in v/max|v|.
 */
export async function misclassifiedGalleryFigure(input: GalleryInput): Promise<Figure> {
  const max = input.maxPerGroup ?? 12;
  const groups = [
    {
      title: `False positives: true slow, predicted fast (${input.falsePositives.length})`,
      maps: input.falsePositives.slice(0, max),
    },
    {
      title: `False negatives: true fast, predicted slow (${input.falseNegatives.length})`,
      maps: input.falseNegatives.slice(0, max),
    },
  ];
  if (groups.every((g) => g.maps.length === 0)) throw new FigureError('misclassified gallery: no maps');
  const groupSpec = (g: (typeof groups)[number]) => {
    if (g.maps.length === 0) {
      return {
        title: g.title,
        width: SIZE * 2,
        height: 30,
        data: { values: [{ t: 'none' }] },
        mark: { type: 'text', align: 'left', fontSize: 12, color: '#666' },
        encoding: { text: { field: 't' }, x: { value: 0 }, y: { value: 15 } },
        view: { stroke: null },
      };
    }
    return {
      title: { text: g.title, fontSize: 13 },
      columns: Math.min(COLUMNS, g.maps.length),
      spacing: 6,
      concat: g.maps.map((m) => {
        const lim = symmetricLimit(m.values, m.valid, 0.99);
        const unit = { ...m, values: Array.from(m.values, (v) => v / lim) };
        return mapImageSpec(unit, {
          cmap: DIVERGING,
          vmin: -1,
          vmax: 1,
          size: SIZE,
          title: {
            text: m.galaxyId,
            subtitle:
              m.p === undefined
                ? `±${lim.toFixed(0)} km/s`
                : `p = ${m.p.toFixed(3)}, ±${lim.toFixed(0)} km/s`,
          },
        });
      }),
    };
  };
  const spec = {
    title: {
      text: 'Misclassified velocity maps',
      subtitle: 'each map scaled to its own ±max|v| (99th percentile)',
    },
    hconcat: [
      { vconcat: groups.map(groupSpec), spacing: 18 },
      colourBarSpec({ cmap: DIVERGING, vmin: -1, vmax: 1, height: 2 * SIZE, title: 'v / max|v|' }),
    ],
    spacing: 14,
  } as unknown as TopLevelSpec;
  return renderFigure('misclassified-gallery', 'Velocity maps of the misclassified test galaxies.', spec, {
    vector: false,
  });
}
