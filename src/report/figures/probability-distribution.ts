import type { TopLevelSpec } from 'vega-lite';
import type { LabeledProbability } from '../metrics-json.ts';
import { CLASS_COLOURS, type Figure, FigureError, renderFigure } from '../render.ts';
import { histogram } from './histogram.ts';

/**
 * Figure 3: distribution of the predicted probability of "fast" on the test split, split by the
 * true label (1 = fast, 0 = slow), 20 bins on [0, 1], log y axis so the few slow rotators and the
 * misclassified tails stay visible beside the large fast peak.
 */
export async function probabilityDistributionFigure(
  probabilities: readonly LabeledProbability[],
): Promise<Figure> {
  if (probabilities.length === 0) throw new FigureError('probability distribution: no test probabilities');
  const rows = (['fast', 'slow'] as const).flatMap((truth) =>
    histogram(
      probabilities.filter((r) => (r.label === 1) === (truth === 'fast')).map((r) => r.p),
      0,
      1,
      20,
    )
      .filter((b) => b.count > 0)
      .map((b) => ({ ...b, truth })),
  );
  const spec: TopLevelSpec = {
    title: { text: 'Predicted probability vs truth', subtitle: `test split, n = ${probabilities.length}` },
    width: 420,
    height: 260,
    data: { values: rows },
    mark: { type: 'rect', opacity: 0.65, stroke: 'white', strokeWidth: 0.5 },
    encoding: {
      x: { field: 'lo', type: 'quantitative', scale: { domain: [0, 1] }, title: 'P(fast)' },
      x2: { field: 'hi' },
      y: {
        field: 'count',
        type: 'quantitative',
        scale: { type: 'log', domainMin: 0.8 },
        title: 'Galaxies (log)',
        axis: { format: '~s', labelExpr: "datum.value < 1 ? '' : datum.label" },
      },
      y2: { datum: 0.8 },
      color: {
        field: 'truth',
        type: 'nominal',
        scale: { domain: ['fast', 'slow'], range: [CLASS_COLOURS.fast, CLASS_COLOURS.slow] },
        legend: { title: 'True class', orient: 'top-left' },
      },
    },
  };
  return renderFigure(
    'probability-distribution',
    'Predicted P(fast) on the test split by true class (log counts).',
    spec,
  );
}
