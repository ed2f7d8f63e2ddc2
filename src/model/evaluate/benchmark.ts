/**
 * The cross-generator benchmark a challenger must beat the champion on (src/model/evaluate/promotion.ts):
 * balanced surveys from BOTH generator families (src/survey: analytic and particle), rendered in
 * memory from fixed seeds — so every retrain, local or on ECS, judges on the same galaxies without
 * storing them, and no model can have trained on them (training surveys use other seeds).
 */
import { buildModelInput, type InputKind } from '../../maps/model-input.ts';
import { GENERATOR_FAMILIES } from '../../survey/family.ts';
import { planSurvey } from '../../survey/index.ts';

export interface BenchmarkSet {
  name: string;
  ids: string[];
  inputs: Float32Array[];
  /** 1 fast, 0 slow. */
  labels: number[];
}

/** Seeds no quality run or CI survey uses. */
export const BENCHMARK_SEED = 9_000_001;
/** Per family: 2 × 300 = 600 ≥ the 500 the promotion rule asks for. */
export const BENCHMARK_PER_FAMILY = 300;

export function crossGeneratorBenchmark(
  kind: InputKind,
  opts: { perFamily?: number; seed?: number; onProgress?: (done: number, total: number) => void } = {},
): BenchmarkSet {
  const perFamily = opts.perFamily ?? BENCHMARK_PER_FAMILY;
  const seed = opts.seed ?? BENCHMARK_SEED;
  const out: BenchmarkSet = {
    name: `cross-generator benchmark (${GENERATOR_FAMILIES.join(' + ')}, ${perFamily} each, seed ${seed}, ${kind})`,
    ids: [],
    inputs: [],
    labels: [],
  };
  const total = perFamily * GENERATOR_FAMILIES.length;
  GENERATOR_FAMILIES.forEach((family, f) => {
    for (const g of planSurvey({ family, n: perFamily, seed: seed + f, slowFraction: 0.5, unknown: 0 })) {
      out.ids.push(`${family}:${g.row.catid}`);
      out.inputs.push(buildModelInput(g.galaxy, kind).input);
      out.labels.push(g.row.label === 'fast' ? 1 : 0);
      opts.onProgress?.(out.ids.length, total);
    }
  });
  return out;
}
