import type { TopLevelSpec } from 'vega-lite';
import type { Confusion } from '../metrics-json.ts';
import { type Figure, FigureError, renderFigure } from '../render.ts';

/**
 * Figure 1: the 2×2 confusion matrix on the test split, each cell with its count and its rate
 * within the true class (row-normalised, so the diagonal holds the recall of each class).
 * Positive class = fast, as in the paper.
 */
export async function confusionMatrixFigure(confusion: Confusion): Promise<Figure> {
  const { tp, fp, tn, fn } = confusion;
  if ([tp, fp, tn, fn].some((v) => !Number.isFinite(v) || v < 0)) {
    throw new FigureError('confusion matrix: counts must be finite and ≥ 0');
  }
  const nFast = tp + fn;
  const nSlow = tn + fp;
  const rate = (count: number, total: number) => (total > 0 ? count / total : 0);
  const cells = [
    { truth: 'fast', predicted: 'fast', count: tp, rate: rate(tp, nFast) },
    { truth: 'fast', predicted: 'slow', count: fn, rate: rate(fn, nFast) },
    { truth: 'slow', predicted: 'fast', count: fp, rate: rate(fp, nSlow) },
    { truth: 'slow', predicted: 'slow', count: tn, rate: rate(tn, nSlow) },
  ].map((c) => ({ ...c, label: `${c.count}`, rateLabel: `${(100 * c.rate).toFixed(1)} %` }));
  const order = ['fast', 'slow'];
  const spec: TopLevelSpec = {
    title: {
      text: 'Confusion matrix (test split)',
      subtitle: `n = ${nFast + nSlow}; rates within each true class`,
    },
    width: 260,
    height: 260,
    data: { values: cells },
    encoding: {
      x: {
        field: 'predicted',
        type: 'nominal',
        sort: order,
        title: 'Predicted class',
        axis: { labelAngle: 0 },
      },
      y: { field: 'truth', type: 'nominal', sort: order, title: 'True class' },
    },
    layer: [
      {
        mark: { type: 'rect', stroke: 'white', strokeWidth: 2 },
        encoding: {
          color: {
            field: 'rate',
            type: 'quantitative',
            scale: { scheme: 'blues', domain: [0, 1] },
            legend: { title: 'rate', format: '.0%', gradientLength: 200 },
          },
        },
      },
      {
        mark: { type: 'text', fontSize: 22, fontWeight: 'bold', dy: -10 },
        encoding: {
          text: { field: 'label' },
          color: { condition: { test: 'datum.rate > 0.5', value: 'white' }, value: '#222' },
        },
      },
      {
        mark: { type: 'text', fontSize: 13, dy: 14 },
        encoding: {
          text: { field: 'rateLabel' },
          color: { condition: { test: 'datum.rate > 0.5', value: 'white' }, value: '#222' },
        },
      },
    ],
  };
  return renderFigure(
    'confusion-matrix',
    'Confusion matrix on the untouched test split: counts and rates within each true class.',
    spec,
  );
}
