/**
 * When a retrained model (the challenger) may replace the champion. Pure functions; the retrain
 * service (../pipeline/retrain.ts) scores both models on the benchmark and asks {@link decidePromotion}.
 *
 * 1. **Demo models are never promoted.** A model trained with a config other than Table 1
 *    (Chegeni et al. 2025) or on fewer than {@link MIN_TRAINING_GALAXIES} galaxies is a demo
 *    model: its metrics say `demo: true` (with `demoReasons`), and no benchmark score changes that.
 * 2. **Same input.** Champion and challenger must read the same input kind (`inputKind` in
 *    metrics.json; a champion without it reads 'velocity').
 * 3. **A paired test on a big enough benchmark.** Both models classify the same ≥
 *    {@link MIN_BENCHMARK_GALAXIES} galaxies at the P = 0.5 decision. Of the discordant pairs, b
 *    are galaxies only the champion gets right and c only the challenger gets right; under H0
 *    (equally good) c ~ Binomial(b + c, 1/2). The challenger is promoted only when the one-sided
 *    exact McNemar p-value P(X ≥ c) is below α = {@link PROMOTION_ALPHA} (so c > b). An equal or
 *    worse challenger never is: promotion cannot go backwards.
 *
 * The one exception is a store with no champion at all: the first model becomes the champion
 * (nothing can be demoted), demo or not, and a later challenger must beat it by rule 3.
 */

import { GalspinError } from '../../errors.ts';
import { type InputKind, inputKindFrom } from '../../maps/model-input.ts';
import { TABLE1_CONFIG } from '../train/network.ts';

export type { InputKind };

/** Fewest benchmark galaxies a promotion may rest on. */
export const MIN_BENCHMARK_GALAXIES = 500;
/** Fewest labelled galaxies a non-demo model is trained on. */
export const MIN_TRAINING_GALAXIES = 500;
/** One-sided significance level of the McNemar test. */
export const PROMOTION_ALPHA = 0.05;

/** The Table 1 architecture fields a non-demo model must match (learning rate and seed may vary). */
const TABLE1_FIELDS = ['inputSize', 'convFilters', 'kernelSize', 'denseUnits', 'dropout', 'l2'] as const;

export class PromotionError extends GalspinError {
  override name = 'PromotionError';
}

/** log C(n, k) by summing logs (exact enough for n in the tens of thousands). */
function logChoose(n: number, k: number): number {
  let s = 0;
  const m = Math.min(k, n - k);
  for (let i = 1; i <= m; i++) s += Math.log(n - m + i) - Math.log(i);
  return s;
}

/**
 * Exact one-sided McNemar test: b = pairs only the champion classifies correctly, c = pairs only
 * the challenger does. Returns P(X ≥ c) for X ~ Binomial(b + c, 1/2), the probability of the
 * challenger winning at least c of the b + c discordant pairs if both models were equally good.
 * No discordant pairs → 1.
 */
export function mcnemarExact(b: number, c: number): number {
  if (!Number.isInteger(b) || !Number.isInteger(c) || b < 0 || c < 0)
    throw new PromotionError(`mcnemarExact needs non-negative integer counts, got b=${b}, c=${c}`);
  const n = b + c;
  if (n === 0 || c === 0) return 1;
  const logHalfN = n * Math.log(0.5);
  // log-sum-exp over k = c … n of log C(n, k) + n log ½.
  const terms: number[] = [];
  let lc = logChoose(n, c);
  for (let k = c; k <= n; k++) {
    terms.push(lc + logHalfN);
    lc += Math.log(n - k) - Math.log(k + 1);
  }
  const max = Math.max(...terms);
  const p = Math.exp(max) * terms.reduce((s, t) => s + Math.exp(t - max), 0);
  return Math.min(1, p);
}

/** Why a model with these metrics is a demo model; empty when it is not one. */
export function demoReasons(metrics: Record<string, unknown> | undefined): string[] {
  const m = (metrics ?? {}) as {
    config?: Record<string, unknown>;
    data?: { nGalaxies?: unknown };
    demo?: unknown;
  };
  const reasons: string[] = [];
  if (!m.config) reasons.push('no training config recorded');
  else {
    const off = TABLE1_FIELDS.filter(
      (f) => JSON.stringify(m.config?.[f]) !== JSON.stringify((TABLE1_CONFIG as Record<string, unknown>)[f]),
    );
    if (off.length > 0)
      reasons.push(
        `not the Table 1 network (${off.map((f) => `${f} ${JSON.stringify(m.config?.[f])}`).join(', ')})`,
      );
  }
  const n = m.data?.nGalaxies;
  if (typeof n !== 'number') reasons.push('number of training galaxies not recorded');
  else if (n < MIN_TRAINING_GALAXIES) reasons.push(`trained on ${n} galaxies (< ${MIN_TRAINING_GALAXIES})`);
  if (m.demo === true && reasons.length === 0) reasons.push('marked demo');
  return reasons;
}

/** metrics.json `inputKind`; a model without it reads the paper's velocity map. */
export function inputKindOf(metrics: Record<string, unknown> | undefined): InputKind {
  return inputKindFrom(metrics);
}

export interface Contender {
  version: string;
  inputKind: InputKind;
  /** Demo-model reasons ({@link demoReasons}); empty or absent = not a demo model. */
  demoReasons?: readonly string[];
  /** P(fast) (or any score with the decision at 0.5) on the benchmark galaxies, in order. */
  benchmarkProbabilities?: ArrayLike<number>;
}

export interface BenchmarkLabels {
  name: string;
  /** 1 fast, 0 slow, one per galaxy. */
  labels: ArrayLike<number>;
}

/** What the decision rested on, recorded in the challenger's metrics.json (`promotion`). */
export interface PromotionComparison {
  benchmark: string;
  n: number;
  challengerAccuracy: number;
  championAccuracy: number;
  /** Galaxies only the champion classifies correctly. */
  b: number;
  /** Galaxies only the challenger classifies correctly. */
  c: number;
  /** One-sided exact McNemar p-value, P(X ≥ c | X ~ Bin(b + c, ½)). */
  pValue: number;
  alpha: number;
}

export interface PromotionDecision {
  promoted: boolean;
  /** One line a person can read. */
  reason: string;
  comparison?: PromotionComparison;
}

const f3 = (x: number) => x.toFixed(3);

/** Paired comparison of two models' benchmark probabilities at the P = 0.5 decision. */
export function pairedComparison(
  name: string,
  labels: ArrayLike<number>,
  challenger: ArrayLike<number>,
  champion: ArrayLike<number>,
): PromotionComparison {
  const n = labels.length;
  if (challenger.length !== n || champion.length !== n)
    throw new PromotionError(
      `benchmark ${name}: ${n} labels but ${challenger.length} challenger and ${champion.length} champion scores`,
    );
  let right1 = 0;
  let right2 = 0;
  let b = 0;
  let c = 0;
  for (let i = 0; i < n; i++) {
    const y = labels[i] >= 0.5 ? 1 : 0;
    const ok1 = (challenger[i] >= 0.5 ? 1 : 0) === y;
    const ok2 = (champion[i] >= 0.5 ? 1 : 0) === y;
    if (ok1) right1++;
    if (ok2) right2++;
    if (ok2 && !ok1) b++;
    if (ok1 && !ok2) c++;
  }
  return {
    benchmark: name,
    n,
    challengerAccuracy: n ? right1 / n : 0,
    championAccuracy: n ? right2 / n : 0,
    b,
    c,
    pValue: mcnemarExact(b, c),
    alpha: PROMOTION_ALPHA,
  };
}

/** Whether `challenger` replaces `champion`, and why (see the module comment for the rules). */
export function decidePromotion({
  challenger,
  champion,
  benchmark,
}: {
  challenger: Contender;
  champion?: Contender;
  benchmark?: BenchmarkLabels;
}): PromotionDecision {
  const demo = challenger.demoReasons ?? [];
  if (!champion)
    return {
      promoted: true,
      reason:
        demo.length > 0
          ? `no champion yet: ${challenger.version} becomes the first champion although it is a demo model (${demo.join('; ')}); a challenger must beat it on a benchmark of ≥ ${MIN_BENCHMARK_GALAXIES} galaxies`
          : `no champion yet: ${challenger.version} becomes the first champion`,
    };
  if (demo.length > 0)
    return {
      promoted: false,
      reason: `${challenger.version} is a demo model (${demo.join('; ')}); demo models are never promoted`,
    };
  if (challenger.inputKind !== champion.inputKind)
    return {
      promoted: false,
      reason: `${challenger.version} reads ${challenger.inputKind}, champion ${champion.version} reads ${champion.inputKind}; only a model of the same input kind can replace it`,
    };
  if (!benchmark)
    return {
      promoted: false,
      reason: `no benchmark to compare ${challenger.version} with champion ${champion.version} on; never promoted without one`,
    };
  if (benchmark.labels.length < MIN_BENCHMARK_GALAXIES)
    return {
      promoted: false,
      reason: `benchmark ${benchmark.name} has ${benchmark.labels.length} galaxies (< ${MIN_BENCHMARK_GALAXIES}); too few to promote on`,
    };
  if (!challenger.benchmarkProbabilities || !champion.benchmarkProbabilities)
    throw new PromotionError('both models need their benchmark probabilities');
  const cmp = pairedComparison(
    benchmark.name,
    benchmark.labels,
    challenger.benchmarkProbabilities,
    champion.benchmarkProbabilities,
  );
  const promoted = cmp.c > cmp.b && cmp.pValue < PROMOTION_ALPHA;
  const numbers = `on ${cmp.n} galaxies of ${cmp.benchmark}: accuracy ${f3(cmp.challengerAccuracy)} vs champion ${champion.version} ${f3(cmp.championAccuracy)}; only challenger right ${cmp.c}, only champion right ${cmp.b}, one-sided exact McNemar p = ${cmp.pValue.toPrecision(3)}`;
  return {
    promoted,
    reason: promoted
      ? `better ${numbers} < α ${PROMOTION_ALPHA}`
      : `not significantly better ${numbers} (needs p < ${PROMOTION_ALPHA})`,
    comparison: cmp,
  };
}
