import type { TopLevelSpec } from 'vega-lite';
import { DIVERGING, symmetricLimit } from '../../formats/colormap.ts';
import { type Figure, FigureError, renderFigure } from '../render.ts';
import { colourBarSpec, mapImageSpec } from './map-panel.ts';

export interface AttributionItem {
  galaxyId: string;
  width: number;
  height: number;
  /** km/s, row-major, same grid as the attribution. */
  velocity: ArrayLike<number>;
  /** Integrated-Gradients attribution per pixel (Sundararajan et al. 2017), same grid. */
  attribution: ArrayLike<number>;
  valid?: ArrayLike<number>;
  p?: number;
  label?: string;
  /** Units of the attribution (IG of the logit or of the probability). */
  attributionUnit?: string;
}

const SIZE = 170;

/**
 * Galaxies of interest (misclassified, uncertain): for each galaxy, its velocity map (diverging RdBu_r colormap, ±max|v|, km/s) beside its Integrated
 * Gradients map on a diverging colormap centred at zero (blue negative = evidence for slow, red
 * positive = evidence for fast, white = no contribution), each with a colour bar.
 */
export async function attributionPanelsFigure(
  items: readonly AttributionItem[],
  arcsecPerSpaxel?: number,
): Promise<Figure> {
  if (items.length === 0) throw new FigureError('attribution panels: no galaxies');
  const rows = items.map((it) => {
    if (it.velocity.length !== it.width * it.height || it.attribution.length !== it.width * it.height) {
      throw new FigureError(
        `attribution panels: ${it.galaxyId}: velocity and attribution must both be ${it.width}×${it.height}`,
      );
    }
    const vlim = symmetricLimit(it.velocity, it.valid, 0.99);
    const alim = symmetricLimit(it.attribution, undefined, 0.995);
    const head = [
      it.label ? `true ${it.label}` : undefined,
      it.p === undefined ? undefined : `p = ${it.p.toFixed(3)}`,
    ]
      .filter(Boolean)
      .join(', ');
    const group = (
      title: { text: string; subtitle: string },
      map: Record<string, unknown>,
      bar: Record<string, unknown>,
    ) => ({
      title: { ...title, fontSize: 12, anchor: 'start' },
      hconcat: [map, bar],
      spacing: 6,
    });
    return {
      hconcat: [
        group(
          { text: it.galaxyId, subtitle: head ? `velocity; ${head}` : 'velocity' },
          mapImageSpec(
            {
              galaxyId: it.galaxyId,
              width: it.width,
              height: it.height,
              values: it.velocity,
              valid: it.valid,
            },
            { cmap: DIVERGING, vmin: -vlim, vmax: vlim, size: SIZE, arcsecPerSpaxel },
          ),
          colourBarSpec({ cmap: DIVERGING, vmin: -vlim, vmax: vlim, height: SIZE, title: 'v (km/s)' }),
        ),
        group(
          { text: 'Integrated Gradients', subtitle: 'red → fast, blue → slow, white = 0' },
          mapImageSpec(
            { galaxyId: it.galaxyId, width: it.width, height: it.height, values: it.attribution },
            { cmap: DIVERGING, vmin: -alim, vmax: alim, size: SIZE, arcsecPerSpaxel },
          ),
          colourBarSpec({
            cmap: DIVERGING,
            vmin: -alim,
            vmax: alim,
            height: SIZE,
            title: it.attributionUnit ?? 'IG (logit)',
          }),
        ),
      ],
      spacing: 24,
    };
  });
  const spec = {
    title: {
      text: 'Velocity map | Integrated Gradients',
      subtitle: 'attribution colour bar centred at zero',
    },
    vconcat: rows,
    spacing: 16,
  } as unknown as TopLevelSpec;
  return renderFigure(
    'attribution-panels',
    'Velocity maps beside their Integrated-Gradients attributions (diverging, centred at zero).',
    spec,
    {
      vector: false,
    },
  );
}
