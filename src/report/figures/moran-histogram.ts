import type { TopLevelSpec } from 'vega-lite';
import { CLASS_COLOURS, type Figure, FigureError, renderFigure } from '../render.ts';
import { histogram } from './histogram.ts';

export interface MoranRow {
  galaxyId: string;
  label: 'fast' | 'slow';
  /** Global Moran's I of the velocity map (Moran 1950; row-standardised weights). */
  moranI: number;
}

/**
 * Figure 6: histograms of global Moran's I of the velocity maps, fast vs slow rotators
 * (Chegeni et al. 2025: fast mostly 0.4–1.0, slow 0.0–0.4). Bins of 0.05 on [−0.2, 1];
 * class medians drawn as rules.
 */
export async function moranHistogramFigure(rows: readonly MoranRow[]): Promise<Figure> {
  const ok = rows.filter((r) => Number.isFinite(r.moranI));
  if (ok.length === 0) throw new FigureError("Moran's I histogram: no finite values");
  const lo = Math.min(-0.2, Math.floor(Math.min(...ok.map((r) => r.moranI)) * 20) / 20);
  const nBins = Math.round((1 - lo) / 0.05);
  const bars = (['fast', 'slow'] as const).flatMap((label) =>
    histogram(
      ok.filter((r) => r.label === label).map((r) => r.moranI),
      lo,
      1,
      nBins,
    )
      .filter((b) => b.count > 0)
      .map((b) => ({ ...b, label })),
  );
  const medians = (['fast', 'slow'] as const).flatMap((label) => {
    const v = ok
      .filter((r) => r.label === label)
      .map((r) => r.moranI)
      .sort((a, b) => a - b);
    return v.length ? [{ label, median: v[Math.floor((v.length - 1) / 2)] }] : [];
  });
  const colour = {
    field: 'label',
    type: 'nominal' as const,
    scale: { domain: ['fast', 'slow'], range: [CLASS_COLOURS.fast, CLASS_COLOURS.slow] },
    legend: { title: 'Class', orient: 'top-left' as const },
  };
  const spec: TopLevelSpec = {
    title: {
      text: "Moran's I of velocity maps: fast vs slow",
      subtitle: medians.map((m) => `median ${m.label} ${m.median.toFixed(2)}`).join(', '),
    },
    width: 420,
    height: 260,
    layer: [
      {
        data: { values: bars },
        mark: { type: 'rect', opacity: 0.6, stroke: 'white', strokeWidth: 0.5 },
        encoding: {
          x: { field: 'lo', type: 'quantitative', scale: { domain: [lo, 1] }, title: "Global Moran's I" },
          x2: { field: 'hi' },
          y: { field: 'count', type: 'quantitative', title: 'Galaxies', stack: null },
          y2: { datum: 0 },
          color: colour,
        },
      },
      {
        data: { values: medians },
        mark: { type: 'rule', strokeDash: [4, 3], strokeWidth: 1.5 },
        encoding: { x: { field: 'median', type: 'quantitative' }, color: colour },
      },
    ],
  };
  return renderFigure(
    'moran-histogram',
    "Global Moran's I of the velocity maps, fast vs slow rotators (dashed: medians).",
    spec,
  );
}
