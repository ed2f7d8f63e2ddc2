import { describe, expect, it } from 'vitest';
import { expectRenderedFigure } from '../../../test/support/png-check.ts';
import { fixtureMetrics } from '../../../test/support/report-fixtures.ts';
import { rocFigure } from './roc.ts';

describe('rocFigure', () => {
  it('renders the curve on a log FPR axis with the AUC in the title', async () => {
    const m = fixtureMetrics();
    const fig = await rocFigure({
      roc: m.test.roc ?? [],
      auc: m.test.auc ?? 0,
      nNegative: m.test.confusion.tn + m.test.confusion.fp,
    });
    expectRenderedFigure(fig);
    expect(fig.svg).toContain(`AUC = ${(m.test.auc ?? 0).toFixed(3)}`);
    // log axis: decade ticks, and FPR = 0 folded onto the axis floor rather than dropped
    expect(fig.svg).toContain('>0.1<');
    expect(fig.svg).toContain('>0.05<');
  });

  it('needs at least two points', async () => {
    await expect(rocFigure({ roc: [{ fpr: 0, tpr: 0 }], auc: 0.5 })).rejects.toThrow(/two points/);
  });
});
