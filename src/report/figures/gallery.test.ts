import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { expectRenderedFigure } from '../../../test/support/png-check.ts';
import { FIXTURE_DIR, fixtureMap, fixtureMetrics } from '../../../test/support/report-fixtures.ts';
import { galleryFigure } from './gallery.ts';

describe('galleryFigure', () => {
  it('renders the false-positive velocity maps with P(fast), arcsec axes and a colour bar', async () => {
    const m = fixtureMetrics();
    const p = new Map((m.test.probabilities ?? []).map((r) => [r.galaxyId, r.p]));
    const maps = (m.test.falsePositives ?? [])
      .filter((id) => existsSync(`${FIXTURE_DIR}maps/${id}.npy`))
      .map((id) => ({ galaxyId: id, width: 40, height: 40, values: fixtureMap(id), p: p.get(id) }));
    expect(maps.length).toBeGreaterThan(0);
    const fig = await galleryFigure({
      name: 'false-positives',
      title: 'False positives',
      caption: 'x',
      maps,
      arcsecPerSpaxel: 0.5,
    });
    const stats = expectRenderedFigure(fig);
    expect(stats.inked).toBeGreaterThan(0.1);
    expect(fig.svg).toBeUndefined(); // raster figure: no SVG wrapper
    expect(fig.name).toBe('false-positives');
  });

  it('refuses an empty gallery', async () => {
    await expect(galleryFigure({ name: 'g', title: 't', caption: 'c', maps: [] })).rejects.toThrow(/no maps/);
  });
});
