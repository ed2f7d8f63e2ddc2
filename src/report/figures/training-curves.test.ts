import { describe, expect, it } from 'vitest';
import { expectRenderedFigure } from '../../../test/support/png-check.ts';
import { fixtureMetrics } from '../../../test/support/report-fixtures.ts';
import { trainingCurvesFigure } from './training-curves.ts';

describe('trainingCurvesFigure', () => {
  it('renders loss and accuracy panels and marks the best validation epoch', async () => {
    const history = fixtureMetrics().history ?? [];
    const fig = await trainingCurvesFigure(history);
    expectRenderedFigure(fig);
    const best = history.reduce((b, e) => ((e.valAcc ?? 0) > (b.valAcc ?? 0) ? e : b));
    expect(fig.svg).toContain(`epoch ${best.epoch},`);
  });

  it('marks the epoch training kept: ties in validation accuracy go to the lower validation loss', async () => {
    const e = (epoch: number, valAcc: number, valLoss: number) => ({
      epoch,
      loss: 0.3,
      acc: 0.9,
      valAcc,
      valLoss,
    });
    // epochs 2 and 4 tie on accuracy; 4 has the lower loss (src/model/train/callbacks.ts BestCheckpoint)
    const history = [e(1, 0.8, 0.5), e(2, 1, 0.01), e(3, 0.9, 0.2), e(4, 1, 0.002), e(5, 0.95, 0.1)];
    expect((await trainingCurvesFigure(history)).svg).toContain('kept checkpoint: epoch 4,');
    // metrics.json training.bestEpoch wins when given
    expect((await trainingCurvesFigure(history, 2)).svg).toContain('kept checkpoint: epoch 2,');
  });

  it('refuses an empty history', async () => {
    await expect(trainingCurvesFigure([])).rejects.toThrow(/empty history/);
  });
});
