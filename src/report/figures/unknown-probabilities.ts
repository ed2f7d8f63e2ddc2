import type { TopLevelSpec } from 'vega-lite';
import { DEFAULT_THRESHOLDS } from '../../config/index.ts';
import { type Figure, FigureError, renderFigure } from '../render.ts';
import { histogram } from './histogram.ts';

export interface UnknownProbabilityInput {
  /** P(fast) for each galaxy without a fast/slow label. */
  probabilities: readonly number[];
  thresholds?: { fast: number; slow: number };
}

/** Counts on each side of the thresholds: fast if p ≥ fast, slow if p ≤ slow, uncertain otherwise. */
export function thresholdCounts(ps: readonly number[], t: { fast: number; slow: number }) {
  let fast = 0;
  let slow = 0;
  let uncertain = 0;
  for (const p of ps) {
    if (p >= t.fast) fast++;
    else if (p <= t.slow) slow++;
    else uncertain++;
  }
  return { fast, slow, uncertain };
}

/**
 * Figure 5: histogram of P(fast) for the unknown (unlabelled) galaxies, with the paper's
 * thresholds (fast ≥ 0.95, slow ≤ 0.05; Chegeni et al. 2025 found 678 fast and 39 slow among 854)
 * as dashed rules and the count of galaxies in each region printed on the chart.
 */
export async function unknownProbabilityFigure(input: UnknownProbabilityInput): Promise<Figure> {
  const t = input.thresholds ?? DEFAULT_THRESHOLDS;
  const ps = input.probabilities.filter(Number.isFinite);
  if (ps.length === 0) throw new FigureError('unknown-galaxy histogram: no probabilities');
  const counts = thresholdCounts(ps, t);
  const bins = histogram(ps, 0, 1, 40).filter((b) => b.count > 0);
  const labels = [
    { x: t.slow / 2 + 0.01, text: `slow: ${counts.slow}`, align: 'left' },
    { x: 0.5, text: `uncertain: ${counts.uncertain}`, align: 'center' },
    { x: 0.99, text: `fast: ${counts.fast}`, align: 'right' },
  ];
  const spec: TopLevelSpec = {
    title: {
      text: 'Unknown galaxies: P(fast)',
      subtitle: `n = ${ps.length}; thresholds p ≤ ${t.slow} slow, p ≥ ${t.fast} fast`,
    },
    width: 420,
    height: 260,
    layer: [
      {
        data: { values: bins },
        mark: { type: 'rect', color: '#7f7f7f', stroke: 'white', strokeWidth: 0.5 },
        encoding: {
          x: { field: 'lo', type: 'quantitative', scale: { domain: [0, 1] }, title: 'P(fast)' },
          x2: { field: 'hi' },
          y: {
            field: 'count',
            type: 'quantitative',
            scale: { type: 'log', domainMin: 0.8, domainMax: 3 * Math.max(...bins.map((b) => b.count)) },
            title: 'Galaxies (log)',
            axis: { format: '~s', labelExpr: "datum.value < 1 ? '' : datum.label" },
          },
          y2: { datum: 0.8 },
        },
      },
      {
        data: { values: [{ x: t.slow }, { x: t.fast }] },
        mark: { type: 'rule', strokeDash: [5, 4], color: '#d62728', strokeWidth: 1.5 },
        encoding: { x: { field: 'x', type: 'quantitative' } },
      },
      ...labels.map((l) => ({
        data: { values: [l] },
        mark: {
          type: 'text' as const,
          align: l.align as 'left',
          baseline: 'top' as const,
          dy: 4,
          fontSize: 12,
          fontWeight: 'bold' as const,
        },
        encoding: {
          x: { field: 'x', type: 'quantitative' as const },
          y: { value: 0 },
          text: { field: 'text', type: 'nominal' as const },
        },
      })),
    ],
  };
  return renderFigure(
    'unknown-probabilities',
    `P(fast) of ${ps.length} unknown galaxies: ${counts.fast} fast (p ≥ ${t.fast}), ${counts.slow} slow (p ≤ ${t.slow}), ${counts.uncertain} uncertain.`,
    spec,
  );
}
