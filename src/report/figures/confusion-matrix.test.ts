import { describe, expect, it } from 'vitest';
import { expectRenderedFigure } from '../../../test/support/png-check.ts';
import { fixtureMetrics } from '../../../test/support/report-fixtures.ts';
import { FigureError } from '../render.ts';
import { confusionMatrixFigure } from './confusion-matrix.ts';

describe('confusionMatrixFigure', () => {
  it('renders counts and within-class rates from metrics.json', async () => {
    const { confusion } = fixtureMetrics().test;
    const fig = await confusionMatrixFigure(confusion);
    expectRenderedFigure(fig);
    const texts = [...(fig.svg ?? '').matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
    for (const count of [confusion.tp, confusion.fn, confusion.fp, confusion.tn])
      expect(texts).toContain(String(count));
    const recallFast = (100 * confusion.tp) / (confusion.tp + confusion.fn);
    expect(texts).toContain(`${recallFast.toFixed(1)} %`);
  });

  it('refuses negative counts', async () => {
    await expect(confusionMatrixFigure({ tp: -1, fp: 0, tn: 0, fn: 0 })).rejects.toThrow(FigureError);
  });
});
