import type { TopLevelSpec } from 'vega-lite';
import { moranScatter } from '../moran-scatter-data.ts';
import { CLASS_COLOURS, type Figure, FigureError, renderFigure } from '../render.ts';
import type { MapImage } from './map-panel.ts';

export interface MoranExample extends MapImage {
  label?: 'fast' | 'slow' | 'unknown';
}

/**
 * One Moran scatter panel: Moran scatter plots for example galaxies: spatial lag Wz against standardised velocity z
 * per spaxel (Anselin 1996), with the line of slope I (global Moran's I for row-standardised rook
 * weights). A rotating disc hugs a steep line (I near 1, paper's fast examples 0.91–0.93);
 * a slow rotator is a round cloud (I ≲ 0.4).
 */
export function moranScatterPanel(m: MoranExample, size = 200): Record<string, unknown> {
  const s = moranScatter(m.values, m.valid, m.width, m.height);
  if (s.z.length === 0)
    throw new FigureError(`Moran scatter: ${m.galaxyId} has no valid spaxels with neighbours`);
  const colour = CLASS_COLOURS[m.label ?? 'unknown'];
  const ext = Math.max(3, Math.ceil(Math.max(...s.z.map(Math.abs), ...s.lag.map(Math.abs))));
  const axis = (title: string) => ({
    type: 'quantitative' as const,
    scale: { domain: [-ext, ext] },
    title,
  });
  return {
    width: size,
    height: size,
    title: {
      text: `${m.galaxyId}${m.label ? ` (${m.label})` : ''}`,
      subtitle: `Moran's I = ${s.I.toFixed(3)}, n = ${s.n}`,
      fontSize: 12,
    },
    layer: [
      {
        data: { values: s.z.map((z, k) => ({ z, lag: s.lag[k] })) },
        mark: { type: 'circle', size: 10, opacity: 0.45, color: colour },
        encoding: {
          x: { field: 'z', ...axis('Standardised velocity z') },
          y: { field: 'lag', ...axis('Spatial lag Wz') },
        },
      },
      {
        data: {
          values: [
            { z: -ext, lag: -ext * s.I },
            { z: ext, lag: ext * s.I },
          ],
        },
        mark: { type: 'line', color: '#333', strokeWidth: 1.5, clip: true },
        encoding: {
          x: { field: 'z', ...axis('Standardised velocity z') },
          y: { field: 'lag', ...axis('Spatial lag Wz') },
        },
      },
    ],
  };
}

/** All example galaxies' Moran scatter panels in one figure. */
export async function moranScatterFigure(examples: readonly MoranExample[]): Promise<Figure> {
  if (examples.length === 0) throw new FigureError('Moran scatter: no example maps');
  const panels = examples.map((m) => moranScatterPanel(m));
  const spec = {
    title: {
      text: 'Moran scatter plots',
      subtitle: "spatial lag vs standardised velocity; line slope = Moran's I",
    },
    columns: panels.length === 4 ? 2 : Math.min(3, panels.length),
    concat: panels,
    spacing: 16,
  } as unknown as TopLevelSpec;
  return renderFigure(
    'moran-scatter',
    "Moran scatter plots of example galaxies; the slope of the line is the global Moran's I.",
    spec,
  );
}
