import { describe, expect, it } from 'vitest';
import { fixtureMetrics } from '../fixtures.ts';
import { expectRenderedFigure } from './png-check.ts';
import { trainingCurvesFigure } from './training-curves.ts';

describe('trainingCurvesFigure', () => {
  it('renders loss and accuracy panels and marks the best validation epoch', async () => {
    const history = fixtureMetrics().history ?? [];
    const fig = await trainingCurvesFigure(history);
    expectRenderedFigure(fig);
    const best = history.reduce((b, e) => ((e.valAcc ?? 0) > (b.valAcc ?? 0) ? e : b));
    expect(fig.svg).toContain(`at epoch ${best.epoch}`);
  });

  it('refuses an empty history', async () => {
    await expect(trainingCurvesFigure([])).rejects.toThrow(/empty history/);
  });
});
