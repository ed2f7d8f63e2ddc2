/**
 * Scores a model on a labeled survey it was not trained on (cross-generator validation, stress
 * sets), with galspin's classical λRe–ε measurement on the same maps beside it: the floor the CNN
 * must beat. Pure functions over probabilities and labels; ./survey-eval.ts loads the maps.
 */
import { expectedCalibrationError } from './calibration.ts';
import { accuracy, auc, confusion, perClass, rocCurve } from './metrics.ts';

/** The paper's decision thresholds for a confident class (Chegeni et al. 2025, Sect. 3). */
export const CONFIDENT = { fast: 0.95, slow: 0.05 } as const;

export interface ClassifierScore {
  n: number;
  /** At P = 0.5. */
  accuracy: number;
  precisionFast: number;
  recallSlow: number;
  /** NaN when the set holds one class only (e.g. the `flat` stress set: all fast by the rule). */
  auc: number;
  /** Expected calibration error of the calibrated probability, 10 bins. */
  ece: number;
  /** Share of galaxies with p ≥ 0.95 or p ≤ 0.05, and the accuracy of those classes. */
  confident: { coverage: number; accuracy: number; n: number };
  /** Accuracy at P = 0.5 per true kind. */
  byKind: Record<string, { n: number; accuracy: number; meanP: number }>;
}

export interface RuleScore {
  n: number;
  /** Galaxies whose λRe and ε could be measured (the others count as errors). */
  measured: number;
  accuracy: number;
  precisionFast: number;
}

/** Accuracy, precision(fast), AUC, ECE, confident coverage/accuracy and per-kind accuracy. */
export function scoreProbabilities(
  labels: readonly number[],
  p: readonly number[],
  kinds: readonly string[] = [],
): ClassifierScore {
  const c = confusion(labels, p, 0.5);
  const pc = perClass(c);
  let confident = 0;
  let confidentRight = 0;
  const byKind: ClassifierScore['byKind'] = {};
  labels.forEach((y, i) => {
    const sure = p[i] >= CONFIDENT.fast || p[i] <= CONFIDENT.slow;
    if (sure) {
      confident++;
      if ((p[i] >= 0.5 ? 1 : 0) === y) confidentRight++;
    }
    const k = kinds[i];
    if (k) {
      const e = byKind[k] ?? { n: 0, accuracy: 0, meanP: 0 };
      e.n++;
      e.accuracy += (p[i] >= 0.5 ? 1 : 0) === y ? 1 : 0;
      e.meanP += p[i];
      byKind[k] = e;
    }
  });
  for (const e of Object.values(byKind)) {
    e.accuracy /= e.n;
    e.meanP /= e.n;
  }
  return {
    n: labels.length,
    accuracy: accuracy(c),
    precisionFast: pc.fast.precision,
    recallSlow: pc.slow.recall,
    auc: new Set(labels).size < 2 ? Number.NaN : auc(rocCurve(labels, p)),
    ece: expectedCalibrationError(p, labels),
    confident: {
      n: confident,
      coverage: labels.length ? confident / labels.length : 0,
      accuracy: confident ? confidentRight / confident : Number.NaN,
    },
    byKind,
  };
}

/** The λRe–ε rule's classes (1 fast, 0 slow, undefined when unmeasurable) against the labels. */
export function scoreRule(labels: readonly number[], ruleFast: readonly (number | undefined)[]): RuleScore {
  let right = 0;
  let measured = 0;
  let predictedFast = 0;
  let truePositive = 0;
  labels.forEach((y, i) => {
    const r = ruleFast[i];
    if (r === undefined) return;
    measured++;
    if (r === y) right++;
    if (r === 1) {
      predictedFast++;
      if (y === 1) truePositive++;
    }
  });
  return {
    n: labels.length,
    measured,
    accuracy: labels.length ? right / labels.length : 0,
    precisionFast: predictedFast ? truePositive / predictedFast : 0,
  };
}
