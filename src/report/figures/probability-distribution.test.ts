import { describe, expect, it } from 'vitest';
import { expectRenderedFigure } from '../../../test/support/png-check.ts';
import { fixtureMetrics } from '../../../test/support/report-fixtures.ts';
import { probabilityDistributionFigure } from './probability-distribution.ts';

describe('probabilityDistributionFigure', () => {
  it('renders P(fast) by true class on a log y axis', async () => {
    const probabilities = fixtureMetrics().test.probabilities ?? [];
    const fig = await probabilityDistributionFigure(probabilities);
    expectRenderedFigure(fig);
    expect(fig.svg).toContain(`n = ${probabilities.length}`);
    expect(fig.svg).toContain('Galaxies (log)');
  });

  it('refuses an empty test split', async () => {
    await expect(probabilityDistributionFigure([])).rejects.toThrow(/no test probabilities/);
  });
});
