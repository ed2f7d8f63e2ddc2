/**
 * Evaluation on the held-out test split, in the metrics.json shape of the galspin contracts:
 * confusion (fast = positive, threshold 0.5), accuracy, per-class P/R/F1, ROC + AUC, calibrated
 * probabilities, temperature scaling fitted on VALIDATION logits (Guo et al. 2017) with reliability
 * bins and ECE before/after, and the misclassified galaxies.
 *
 * σ(z/T) ≥ ½ ⇔ z ≥ 0 for any T > 0, so the confusion matrix and the ROC/AUC are the same before and
 * after calibration; only the probability values (and so ECE and the 0.95/0.05 classes) change.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { predictLogits } from '../serve/batched.ts';
import type { MapSet } from '../train/train.ts';
import {
  applyTemperature,
  expectedCalibrationError,
  fitTemperature,
  type ReliabilityBin,
  reliabilityBins,
} from './calibration.ts';
import {
  accuracy,
  auc,
  type ClassMetrics,
  type Confusion,
  confusion,
  perClass,
  type RocPoint,
  rocCurve,
} from './metrics.ts';

export interface TestMetrics {
  n: number;
  threshold: number;
  confusion: Confusion;
  accuracy: number;
  auc: number;
  perClass: { fast: ClassMetrics; slow: ClassMetrics };
  roc: RocPoint[];
  probabilities: { galaxyId: string; label: number; p: number }[];
  calibration: { temperature: number; eceBefore: number; eceAfter: number; bins: ReliabilityBin[] };
  falsePositives: string[];
  falseNegatives: string[];
}

/** Metrics from logits (so tests can check them without a network). */
export function metricsFromLogits(
  test: { ids: readonly string[]; labels: readonly number[]; logits: ArrayLike<number> },
  validation: { labels: readonly number[]; logits: ArrayLike<number> },
  threshold = 0.5,
): TestMetrics {
  const temperature = fitTemperature(validation.logits, validation.labels);
  const raw = applyTemperature(test.logits, 1);
  const calibrated = applyTemperature(test.logits, temperature);
  const c = confusion(test.labels, raw, threshold);
  const roc = rocCurve(test.labels, raw);
  const rocJson = roc.map((pt) => ({ ...pt, threshold: Number.isFinite(pt.threshold) ? pt.threshold : 1 }));
  const falsePositives: string[] = [];
  const falseNegatives: string[] = [];
  test.ids.forEach((id, i) => {
    const predFast = raw[i] >= threshold;
    if (predFast && test.labels[i] === 0) falsePositives.push(id);
    if (!predFast && test.labels[i] === 1) falseNegatives.push(id);
  });
  return {
    n: test.ids.length,
    threshold,
    confusion: c,
    accuracy: accuracy(c),
    auc: auc(roc),
    perClass: perClass(c),
    roc: rocJson,
    probabilities: test.ids.map((galaxyId, i) => ({ galaxyId, label: test.labels[i], p: calibrated[i] })),
    calibration: {
      temperature,
      eceBefore: expectedCalibrationError(raw, test.labels),
      eceAfter: expectedCalibrationError(calibrated, test.labels),
      bins: reliabilityBins(calibrated, test.labels),
    },
    falsePositives,
    falseNegatives,
  };
}

export function evaluateModel(
  tf: typeof tfjs,
  model: tfjs.LayersModel,
  test: MapSet,
  validation: MapSet,
  size = 40,
): TestMetrics {
  return metricsFromLogits(
    { ids: test.ids, labels: test.labels, logits: predictLogits(tf, model, test.inputs, size) },
    { labels: validation.labels, logits: predictLogits(tf, model, validation.inputs, size) },
  );
}
