import type { TopLevelSpec } from 'vega-lite';
import type { Calibration } from '../metrics-json.ts';
import { type Figure, FigureError, renderFigure } from '../render.ts';

/**
 * Figure 9: reliability (calibration) diagram: for each probability bin, the fraction of true fast
 * rotators against the mean predicted P(fast) (Niculescu-Mizil & Caruana 2005), point area ∝ count,
 * the diagonal = perfect calibration. The subtitle gives the temperature (Guo et al. 2017) and the
 * expected calibration error before/after scaling.
 */
export async function reliabilityFigure(calibration: Calibration): Promise<Figure> {
  const bins = calibration.bins.filter(
    (b) =>
      b.count > 0 && Number.isFinite(b.meanP ?? Number.NaN) && Number.isFinite(b.fracPositive ?? Number.NaN),
  );
  if (bins.length === 0) throw new FigureError('reliability diagram: no populated bins');
  const parts: string[] = [];
  if (calibration.temperature !== undefined) parts.push(`T = ${calibration.temperature.toFixed(2)}`);
  if (calibration.eceBefore !== undefined) parts.push(`ECE before ${calibration.eceBefore.toFixed(3)}`);
  if (calibration.eceAfter !== undefined) parts.push(`after ${calibration.eceAfter.toFixed(3)}`);
  const axis = { type: 'quantitative' as const, scale: { domain: [0, 1] } };
  const spec: TopLevelSpec = {
    title: { text: 'Reliability diagram', subtitle: parts.join(', ') || 'test split' },
    width: 300,
    height: 300,
    layer: [
      {
        data: {
          values: [
            { a: 0, b: 0 },
            { a: 1, b: 1 },
          ],
        },
        mark: { type: 'line', color: '#999', strokeDash: [4, 4] },
        encoding: {
          x: { field: 'a', ...axis, title: 'Mean predicted P(fast)' },
          y: { field: 'b', ...axis, title: 'Fraction fast' },
        },
      },
      {
        data: { values: bins },
        mark: { type: 'line', color: '#1f77b4', point: false },
        encoding: { x: { field: 'meanP', ...axis }, y: { field: 'fracPositive', ...axis } },
      },
      {
        data: { values: bins },
        mark: { type: 'circle', color: '#1f77b4', opacity: 0.85 },
        encoding: {
          x: { field: 'meanP', ...axis },
          y: { field: 'fracPositive', ...axis },
          size: {
            field: 'count',
            type: 'quantitative',
            title: 'Galaxies',
            scale: { range: [30, 400], zero: false },
          },
        },
      },
    ],
  };
  return renderFigure(
    'reliability',
    `Reliability diagram on the test split${parts.length ? ` (${parts.join(', ')})` : ''}.`,
    spec,
  );
}
