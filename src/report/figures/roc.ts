import type { TopLevelSpec } from 'vega-lite';
import type { RocPoint } from '../metrics-json.ts';
import { type Figure, FigureError, renderFigure } from '../render.ts';

export interface RocInput {
  roc: readonly RocPoint[];
  /** Area under the (linear-axis) ROC curve, as computed by the evaluator. */
  auc: number;
  /** Number of negatives (slow) in the test split: sets the smallest FPR the log axis shows, 1/nNegative. */
  nNegative?: number;
}

/**
 * Figure 2: ROC curve with a logarithmic false-positive axis, so the low-FPR regime that decides
 * a clean fast sample is readable; the AUC is printed. FPR = 0 points are drawn at the axis floor
 * (half the smallest non-zero FPR, or 1/(2·nNegative)), and the chance line is TPR = FPR.
 */
export async function rocFigure(input: RocInput): Promise<Figure> {
  const pts = input.roc.filter((p) => Number.isFinite(p.fpr) && Number.isFinite(p.tpr));
  if (pts.length < 2) throw new FigureError('ROC: need at least two points');
  const positive = pts.map((p) => p.fpr).filter((f) => f > 0);
  const smallest = Math.min(...positive, input.nNegative ? 1 / input.nNegative : 1);
  const floor = smallest / 2;
  const curve = [...pts]
    .sort((a, b) => a.fpr - b.fpr || a.tpr - b.tpr)
    .map((p, order) => ({ fpr: Math.max(p.fpr, floor), tpr: p.tpr, order }));
  const chance: { fpr: number; tpr: number; order: number }[] = [];
  for (let k = 0; k <= 40; k++) {
    const f = floor * (1 / floor) ** (k / 40);
    chance.push({ fpr: f, tpr: f, order: k });
  }
  const ticks = [1e-4, 2e-4, 5e-4, 1e-3, 2e-3, 5e-3, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1].filter(
    (t) => t >= floor,
  );
  const enc = {
    x: {
      field: 'fpr',
      type: 'quantitative' as const,
      scale: { type: 'log' as const, domain: [floor, 1], nice: false },
      title: 'False-positive rate (slow called fast), log',
      axis: { format: '~g', values: ticks },
    },
    y: {
      field: 'tpr',
      type: 'quantitative' as const,
      scale: { domain: [0, 1] },
      title: 'True-positive rate (fast recall)',
    },
    order: { field: 'order', type: 'quantitative' as const },
  };
  const spec: TopLevelSpec = {
    title: {
      text: `ROC curve (AUC = ${input.auc.toFixed(3)})`,
      subtitle: 'positive class = fast; log-scale false-positive rate',
    },
    width: 380,
    height: 300,
    layer: [
      {
        data: { values: chance },
        mark: { type: 'line', color: '#999', strokeDash: [4, 4], strokeWidth: 1.5 },
        encoding: enc,
      },
      {
        data: { values: curve },
        mark: { type: 'line', interpolate: 'step-after', strokeWidth: 2.5, color: '#1f77b4' },
        encoding: enc,
      },
      {
        data: {
          values: [
            { text: 'classifier', y: 0.12, c: '#1f77b4' },
            { text: 'chance (TPR = FPR)', y: 0.05, c: '#999' },
          ],
        },
        mark: { type: 'text', align: 'right', fontSize: 11 },
        encoding: {
          x: { value: 370 },
          y: { field: 'y', type: 'quantitative' },
          text: { field: 'text' },
          color: { field: 'c', type: 'nominal', scale: null },
        },
      },
    ],
  };
  return renderFigure(
    'roc',
    `ROC curve on the test split, log-scale FPR; AUC = ${input.auc.toFixed(3)}.`,
    spec,
  );
}
