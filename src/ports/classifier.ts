/**
 * What the classify service needs from a model: one call that turns a batch of 40×40 inputs into
 * probabilities, uncertainties and attributions. src/pipeline/tf-classifier.ts implements it with
 * the TensorFlow.js CNN, batched MC dropout and batched Integrated Gradients.
 */

import { DEFAULT_THRESHOLDS, type RotatorClass, type Uncertainty } from '../config/index.ts';
import type { InputKind } from '../maps/model-input.ts';

export interface Classification {
  /** p = P(fast), calibrated. */
  probability: number;
  logit: number;
  class: RotatorClass;
  uncertainty: Uncertainty;
  /** Integrated Gradients of the logit, same layout as the input (logit units). */
  attribution: Float32Array;
  completenessGap?: number;
  /** Out-of-distribution verdict (src/model/serve/ood.ts), when the model carries an OOD model. */
  ood?: OodVerdict;
}

export interface Classifier {
  readonly modelVersion: string;
  readonly backend: string;
  /** What the model reads (src/maps/model-input.ts). */
  readonly inputKind: InputKind;
  classify(
    inputs: readonly Float32Array[],
  ): Promise<{ results: Classification[]; timings: Record<string, number> }>;
  dispose(): void;
}

/** Loads classifiers by model version and tells which version is the champion now. */
export interface ClassifierSource {
  /** Current champion's version, undefined when none has been promoted. */
  champion(): Promise<string | undefined>;
  /** The velocity-only model for galaxies without a dispersion map, when the store names one. */
  fallback?(): Promise<string | undefined>;
  load(modelVersion: string): Promise<Classifier>;
}

/** fast if p ≥ 0.95, slow if p ≤ 0.05, uncertain otherwise (Chegeni et al. 2025, Sect. 3). */
export function classOf(
  p: number,
  thresholds: { fast: number; slow: number } = DEFAULT_THRESHOLDS,
): RotatorClass {
  if (p >= thresholds.fast) return 'fast';
  if (p <= thresholds.slow) return 'slow';
  return 'uncertain';
}

export interface OodVerdict {
  distance: number;
  threshold: number;
  outOfDistribution: boolean;
}
