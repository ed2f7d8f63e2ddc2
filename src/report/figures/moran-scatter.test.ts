import { describe, expect, it } from 'vitest';
import { expectRenderedFigure } from '../../../test/support/png-check.ts';
import { fixtureMap } from '../../../test/support/report-fixtures.ts';
import { moranScatterFigure } from './moran-scatter.ts';

describe('moranScatterFigure', () => {
  it("renders lag vs z per example galaxy, titled with Moran's I", async () => {
    const ex = [
      { id: '100000', label: 'fast' as const },
      { id: '105550', label: 'slow' as const },
    ].map(({ id, label }) => ({ galaxyId: id, width: 40, height: 40, values: fixtureMap(id), label }));
    const fig = await moranScatterFigure(ex);
    expectRenderedFigure(fig);
    const is = [...new Set([...(fig.svg ?? '').matchAll(/I = (-?[\d.]+)/g)].map((m) => m[1]))].map(Number);
    expect(is).toHaveLength(2);
    expect(is[0]).toBeGreaterThan(0.8); // rotating disc
    expect(is[1]).toBeLessThan(0.4); // noisy slow rotator
  });
});
