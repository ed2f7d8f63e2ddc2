import { describe, expect, it } from 'vitest';
import { expectRenderedFigure } from '../../../test/support/png-check.ts';
import { fixtureMetrics } from '../../../test/support/report-fixtures.ts';
import { reliabilityFigure } from './reliability.ts';

describe('reliabilityFigure', () => {
  it('renders populated bins, the diagonal and the temperature/ECE subtitle', async () => {
    const cal = fixtureMetrics().test.calibration;
    if (!cal) throw new Error('fixture lacks calibration');
    const fig = await reliabilityFigure(cal);
    expectRenderedFigure(fig);
    expect(fig.svg).toContain('T = 1.31, ECE before 0.061, after 0.024');
  });

  it('refuses a calibration with no populated bin', async () => {
    await expect(
      reliabilityFigure({ bins: [{ lo: 0, hi: 1, count: 0, meanP: null, fracPositive: null }] }),
    ).rejects.toThrow(/no populated/);
  });
});
