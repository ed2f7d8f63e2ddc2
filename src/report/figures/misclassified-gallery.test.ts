import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FIXTURE_DIR, fixtureMap, fixtureMetrics } from '../fixtures.ts';
import { misclassifiedGalleryFigure } from './misclassified-gallery.ts';
import { expectRenderedFigure } from './png-check.ts';

describe('misclassifiedGalleryFigure', () => {
  it('renders false-positive and false-negative velocity maps with a colour bar', async () => {
    const m = fixtureMetrics();
    const p = new Map((m.test.probabilities ?? []).map((r) => [r.galaxyId, r.p]));
    const load = (ids: string[] = []) =>
      ids
        .filter((id) => existsSync(`${FIXTURE_DIR}maps/${id}.npy`))
        .map((id) => ({ galaxyId: id, width: 40, height: 40, values: fixtureMap(id), p: p.get(id) }));
    const falsePositives = load(m.test.falsePositives);
    const falseNegatives = load(m.test.falseNegatives);
    expect(falsePositives.length).toBeGreaterThan(0);
    expect(falseNegatives.length).toBeGreaterThan(0);
    const fig = await misclassifiedGalleryFigure({ falsePositives, falseNegatives });
    const stats = expectRenderedFigure(fig);
    expect(stats.inked).toBeGreaterThan(0.15); // the maps fill much of the canvas
    expect(fig.svg).toBeUndefined(); // raster figure: no SVG wrapper
  });

  it('refuses two empty groups', async () => {
    await expect(misclassifiedGalleryFigure({ falsePositives: [], falseNegatives: [] })).rejects.toThrow(
      /no maps/,
    );
  });
});
