import type { TopLevelSpec } from 'vega-lite';
import type { Epoch } from '../metrics-json.ts';
import { type Figure, FigureError, renderFigure } from '../render.ts';

/**
 * Training curves per epoch: binary cross-entropy and accuracy for the training and validation splits
 * side by side (the test split never enters training), the kept checkpoint marked. `bestEpoch` is the
 * epoch training kept (metrics.json `training.bestEpoch`, as the model card says); without it, the
 * same rule as src/model/train/callbacks.ts BestCheckpoint: highest validation accuracy, ties to the lower
 * validation loss.
 */
export async function trainingCurvesFigure(history: readonly Epoch[], bestEpoch?: number): Promise<Figure> {
  if (history.length === 0) throw new FigureError('training curves: empty history');
  const long = history
    .flatMap((e) => [
      { epoch: e.epoch, metric: 'loss', split: 'train', value: e.loss },
      { epoch: e.epoch, metric: 'loss', split: 'validation', value: e.valLoss },
      { epoch: e.epoch, metric: 'accuracy', split: 'train', value: e.acc },
      { epoch: e.epoch, metric: 'accuracy', split: 'validation', value: e.valAcc },
    ])
    .filter((r) => Number.isFinite(r.value));
  if (long.length === 0) throw new FigureError('training curves: no loss or accuracy values');
  const best =
    history.find((e) => e.epoch === bestEpoch) ??
    history
      .filter((e) => Number.isFinite(e.valAcc))
      .reduce<Epoch | undefined>((b, e) => {
        if (b === undefined) return e;
        const [acc, bAcc] = [e.valAcc ?? 0, b.valAcc ?? 0];
        return acc > bAcc || (acc === bAcc && (e.valLoss ?? Infinity) < (b.valLoss ?? Infinity)) ? e : b;
      }, undefined);
  const colour = {
    field: 'split',
    type: 'nominal' as const,
    scale: { domain: ['train', 'validation'], range: ['#1f77b4', '#e6550d'] },
    legend: { title: null, orient: 'bottom' as const },
  };
  const panel = (metric: 'loss' | 'accuracy', title: string) => ({
    width: 300,
    height: 220,
    title,
    layer: [
      {
        transform: [{ filter: `datum.metric === '${metric}'` }],
        mark: { type: 'line' as const, point: history.length <= 30 },
        encoding: {
          x: { field: 'epoch', type: 'quantitative' as const, title: 'Epoch', axis: { tickMinStep: 1 } },
          y: { field: 'value', type: 'quantitative' as const, title, scale: { zero: false } },
          color: colour,
        },
      },
      ...(best
        ? [
            {
              data: { values: [{ epoch: best.epoch }] },
              mark: { type: 'rule' as const, color: '#999', strokeDash: [3, 3] },
              encoding: { x: { field: 'epoch', type: 'quantitative' as const } },
            },
          ]
        : []),
    ],
  });
  const spec: TopLevelSpec = {
    title: {
      text: 'Training curves',
      subtitle: best
        ? `kept checkpoint: epoch ${best.epoch}, validation accuracy ${(best.valAcc ?? 0).toFixed(3)} (dashed)`
        : `${history.length} epochs`,
    },
    data: { values: long },
    hconcat: [panel('loss', 'Binary cross-entropy'), panel('accuracy', 'Accuracy')],
  };
  return renderFigure('training-curves', 'Loss and accuracy per epoch, training vs validation split.', spec);
}
