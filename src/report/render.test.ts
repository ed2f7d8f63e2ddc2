import { describe, expect, it } from 'vitest';
import { pngStats } from '../../test/support/png-check.ts';
import { FONT_FILES, svgToPng, vegaLiteToSvg } from './render.ts';

describe('render', () => {
  it('draws text with the bundled fonts (no system fonts loaded)', () => {
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="200" height="40"><rect width="200" height="40" fill="white"/>
      <text x="4" y="28" font-family="sans-serif" font-size="24">λR σ ≤ 0.95</text></svg>`;
    const blank = svg.replace(/<text[\s\S]*<\/text>/, '');
    const withText = pngStats(svgToPng(svg, 1).png);
    expect(withText.width).toBe(200);
    expect(withText.inked).toBeGreaterThan(0.05);
    expect(pngStats(svgToPng(blank, 1).png).variance).toBe(0);
    expect(FONT_FILES).toHaveLength(2);
  });

  it('compiles Vega-Lite to an SVG of the requested size', async () => {
    const svg = await vegaLiteToSvg({
      width: 100,
      height: 50,
      data: { values: [{ a: 1, b: 2 }] },
      mark: 'point',
      encoding: { x: { field: 'a', type: 'quantitative' }, y: { field: 'b', type: 'quantitative' } },
    });
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('font-family="DejaVu Sans"');
  });
});
