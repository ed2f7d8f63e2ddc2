import { describe, expect, it } from 'vitest';
import { expectRenderedFigure } from '../../../test/support/png-check.ts';
import { fixtureAttribution, fixtureMap } from '../../../test/support/report-fixtures.ts';
import { attributionPanelsFigure } from './attribution-panels.ts';

describe('attributionPanelsFigure', () => {
  it('renders velocity | IG rows with a colour bar each', async () => {
    const items = ['100000', '105550'].map((id) => ({
      galaxyId: id,
      width: 40,
      height: 40,
      velocity: fixtureMap(id),
      attribution: fixtureAttribution(id),
      p: 0.5,
    }));
    const fig = await attributionPanelsFigure(items);
    const stats = expectRenderedFigure(fig);
    expect(stats.inked).toBeGreaterThan(0.15);
  });

  it('refuses maps of different sizes', async () => {
    await expect(
      attributionPanelsFigure([
        { galaxyId: 'x', width: 2, height: 2, velocity: [1, 2, 3, 4], attribution: [1, 2] },
      ]),
    ).rejects.toThrow(/x: velocity and attribution must both be 2×2/);
  });
});
