import { describe, expect, it } from 'vitest';
import { expectRenderedFigure } from '../../../test/support/png-check.ts';
import { fixtureRows } from '../../../test/support/report-fixtures.ts';
import { thresholdCounts, unknownProbabilityFigure } from './unknown-probabilities.ts';

describe('thresholdCounts', () => {
  it('puts the thresholds themselves in the decided classes', () => {
    expect(thresholdCounts([0.05, 0.0501, 0.5, 0.9499, 0.95, 1], { fast: 0.95, slow: 0.05 })).toEqual({
      fast: 2,
      slow: 1,
      uncertain: 3,
    });
  });
});

describe('unknownProbabilityFigure', () => {
  it('renders the histogram with both thresholds and the counts on either side', async () => {
    const ps = fixtureRows()
      .filter((r) => r.label === 'unknown')
      .map((r) => r.probability as number);
    const fig = await unknownProbabilityFigure({ probabilities: ps });
    expectRenderedFigure(fig);
    const c = thresholdCounts(ps, { fast: 0.95, slow: 0.05 });
    expect(c.fast + c.slow + c.uncertain).toBe(ps.length);
    expect(fig.svg).toContain(`fast: ${c.fast}`);
    expect(fig.svg).toContain(`slow: ${c.slow}`);
    expect(fig.svg).toContain(`uncertain: ${c.uncertain}`);
    expect(fig.caption).toContain(`${c.fast} fast`);
  });
});
