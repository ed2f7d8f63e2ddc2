import type { TopLevelSpec } from 'vega-lite';
import { DIVERGING, symmetricLimit } from '../../formats/colormap.ts';
import { type Figure, FigureError, renderFigure } from '../render.ts';
import { colourBarSpec, mapImageSpec } from './map-panel.ts';
import { moranScatterPanel } from './moran-scatter.ts';

export interface CombinedItem {
  galaxyId: string;
  width: number;
  height: number;
  /** Line-of-sight velocity, km/s, row-major, FITS orientation; NaN where masked. */
  velocity: ArrayLike<number>;
  /** IG of the logit per spaxel (Sundararajan et al. 2017), same grid. */
  attribution: ArrayLike<number>;
  valid?: ArrayLike<number>;
  label: 'fast' | 'slow';
  p?: number;
}

const SIZE = 190;

/**
 * Chegeni et al. 2025, Figs. 9 and 10, for the same galaxies side by side: the velocity map (RdBu_r,
 * symmetric about 0, red receding; arcsec axes, origin lower), its Moran scatter plot (spatial lag
 * against standardised velocity, line slope = Moran's I; Anselin 1996) and its Integrated-Gradients
 * map (diverging about 0: red pushes towards fast, blue towards slow), one galaxy per row.
 */
export async function combinedFigure(
  name: string,
  title: string,
  items: readonly CombinedItem[],
  arcsecPerSpaxel: number,
): Promise<Figure> {
  if (items.length === 0) throw new FigureError(`${name}: no galaxies with maps and attributions`);
  const rows = items.map((it) => {
    const n = it.width * it.height;
    if (it.velocity.length !== n || it.attribution.length !== n)
      throw new FigureError(
        `${name}: ${it.galaxyId}: velocity and attribution must both be ${it.width}×${it.height}`,
      );
    const vlim = symmetricLimit(it.velocity, it.valid, 0.99);
    const alim = symmetricLimit(it.attribution, it.valid, 0.995);
    const head = `true ${it.label}${it.p === undefined ? '' : `, P(fast) = ${it.p.toFixed(3)}`}`;
    const base = { galaxyId: it.galaxyId, width: it.width, height: it.height, valid: it.valid };
    return {
      hconcat: [
        {
          hconcat: [
            mapImageSpec(
              { ...base, values: it.velocity },
              {
                cmap: DIVERGING,
                vmin: -vlim,
                vmax: vlim,
                size: SIZE,
                arcsecPerSpaxel,
                title: { text: `${it.galaxyId}: velocity`, subtitle: head },
              },
            ),
            colourBarSpec({ cmap: DIVERGING, vmin: -vlim, vmax: vlim, height: SIZE, title: 'V (km/s)' }),
          ],
          spacing: 4,
        },
        moranScatterPanel({ ...base, values: it.velocity, label: it.label }, SIZE),
        {
          hconcat: [
            mapImageSpec(
              { ...base, values: it.attribution },
              {
                cmap: DIVERGING,
                vmin: -alim,
                vmax: alim,
                size: SIZE,
                arcsecPerSpaxel,
                title: { text: 'Integrated Gradients', subtitle: 'red → fast, blue → slow' },
              },
            ),
            colourBarSpec({ cmap: DIVERGING, vmin: -alim, vmax: alim, height: SIZE, title: 'IG (logit)' }),
          ],
          spacing: 4,
        },
      ],
      spacing: 28,
    };
  });
  const spec = {
    title: {
      text: title,
      subtitle: 'velocity map | Moran scatter plot | Integrated Gradients, same galaxy per row',
    },
    vconcat: rows,
    spacing: 18,
  } as unknown as TopLevelSpec;
  return renderFigure(
    name,
    `${title}: velocity map, Moran scatter plot (slope = Moran's I) and Integrated-Gradients map of each galaxy.`,
    spec,
    { vector: false },
  );
}
