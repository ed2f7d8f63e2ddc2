import { describe, expect, it } from 'vitest';
import { expectRenderedFigure } from '../../../test/support/png-check.ts';
import { fixtureRows } from '../../../test/support/report-fixtures.ts';
import { type MoranRow, moranHistogramFigure } from './moran-histogram.ts';

describe('moranHistogramFigure', () => {
  it("renders fast and slow Moran's I histograms with their medians", async () => {
    const rows: MoranRow[] = fixtureRows().flatMap((r) =>
      (r.label === 'fast' || r.label === 'slow') && r.moransI !== undefined
        ? [{ galaxyId: r.galaxyId, label: r.label, moranI: r.moransI }]
        : [],
    );
    expect(rows.length).toBeGreaterThan(100);
    const fig = await moranHistogramFigure(rows);
    expectRenderedFigure(fig);
    expect(fig.svg).toMatch(/median fast 0\.\d\d, median slow 0\.\d\d/);
  });

  it('refuses rows without finite values', async () => {
    await expect(
      moranHistogramFigure([{ galaxyId: 'a', label: 'fast', moranI: Number.NaN }]),
    ).rejects.toThrow(/no finite/);
  });
});
