import type { TopLevelSpec } from 'vega-lite';
import { CLASS_COLOURS, type Figure, FigureError, renderFigure } from '../render.ts';

export interface LambdaEpsilonPoint {
  galaxyId: string;
  lambdaRe: number;
  ellipticity: number;
  label: 'fast' | 'slow';
}

/**
 * The spin–ellipticity plane the labels come from: λRe against εe per galaxy, with the slow-rotator
 * boundaries of Emsellem et al. 2011 (MNRAS 414, 888: λRe = 0.31 √εe) and Cappellari 2016 (ARA&A 54,
 * 597, eq. 19: λRe = 0.08 + εe/4 for εe < 0.4, closed by εe = 0.4), as in src/maps/rules.ts.
 */
export async function lambdaEpsilonFigure(points: readonly LambdaEpsilonPoint[]): Promise<Figure> {
  if (points.length === 0) throw new FigureError('λRe–ε: no galaxies with λRe and ε');
  const eps = Array.from({ length: 51 }, (_, i) => i / 50);
  const lines = [
    ...eps.map((e) => ({ e, l: 0.31 * Math.sqrt(e), rule: 'Emsellem et al. 2011' })),
    ...[0, 0.4].map((e) => ({ e, l: 0.08 + e / 4, rule: 'Cappellari 2016' })),
    { e: 0.4, l: 0, rule: 'Cappellari 2016' },
  ];
  const lmax = Math.max(0.8, ...points.map((p) => p.lambdaRe));
  const x = { field: 'e', type: 'quantitative' as const, title: 'Ellipticity εe', scale: { domain: [0, 1] } };
  const y = { field: 'l', type: 'quantitative' as const, title: 'λRe', scale: { domain: [0, lmax] } };
  const spec: TopLevelSpec = {
    title: {
      text: 'Spin–ellipticity plane',
      subtitle: 'slow rotators lie below the lines: Emsellem 2011 (dashed), Cappellari 2016 (solid)',
    },
    width: 420,
    height: 300,
    layer: [
      {
        data: {
          values: points.map((p) => ({ e: p.ellipticity, l: p.lambdaRe, label: p.label, id: p.galaxyId })),
        },
        mark: { type: 'circle', size: 18, opacity: 0.6 },
        encoding: {
          x,
          y,
          color: {
            field: 'label',
            type: 'nominal',
            title: 'label',
            scale: { domain: ['fast', 'slow'], range: [CLASS_COLOURS.fast, CLASS_COLOURS.slow] },
          },
        },
      },
      {
        data: { values: lines },
        mark: { type: 'line', color: '#222', strokeWidth: 1.5 },
        encoding: {
          x,
          y,
          detail: { field: 'rule', type: 'nominal' },
          strokeDash: {
            field: 'rule',
            type: 'nominal',
            title: 'boundary',
            legend: { labelLimit: 240 },
            scale: {
              domain: ['Emsellem et al. 2011', 'Cappellari 2016'],
              range: [
                [5, 3],
                [1, 0],
              ],
            },
          },
        },
      },
    ],
  };
  return renderFigure(
    'lambda-epsilon',
    'λRe against εe of the test galaxies with the slow-rotator boundaries of Emsellem et al. 2011 and Cappellari 2016.',
    spec,
  );
}
