/**
 * Inference: P(fast) for each preprocessed 40×40 map, temperature-calibrated (σ(z/T), T fitted on
 * validation at training time), then the paper's decision rule (Chegeni et al. 2025, Sect. 3):
 * fast if p ≥ 0.95, slow if p ≤ 0.05, uncertain otherwise (thresholds configurable).
 * Optional uncertainty from repeated stochastic passes (MC dropout / test-time symmetries, see
 * ./uncertainty.ts), on the same calibrated scale as the probability.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { DEFAULT_THRESHOLDS, type RotatorClass } from '../../config/index.ts';
import { GalspinError } from '../../errors.ts';
import { sigmoid } from '../evaluate/calibration.ts';
import { predictLogits } from './batched.ts';
import { predictiveUncertainty, type UncertaintyMethod } from './uncertainty.ts';

export interface Thresholds {
  fast: number;
  slow: number;
}

export interface Prediction {
  probability: number;
  logit: number;
  class: RotatorClass;
  uncertainty?: { mean: number; std: number; passes: number; method: UncertaintyMethod };
}

export interface PredictOptions {
  /** Calibration temperature (metrics.json test.calibration.temperature); 1 = raw. */
  temperature?: number;
  thresholds?: Thresholds;
  /** Stochastic passes for the uncertainty; 0 or absent = none. */
  uncertaintyPasses?: number;
  uncertaintyMethod?: UncertaintyMethod;
  seed?: number;
  batch?: number;
}

export class ThresholdError extends GalspinError {
  override name = 'ThresholdError';
}

export function checkThresholds(t: Thresholds): Thresholds {
  if (!(t.slow >= 0 && t.fast <= 1 && t.slow < t.fast)) {
    throw new ThresholdError(`thresholds need 0 ≤ slow < fast ≤ 1 (got slow ${t.slow}, fast ${t.fast})`);
  }
  return t;
}

export function classify(p: number, t: Thresholds = DEFAULT_THRESHOLDS): RotatorClass {
  return p >= t.fast ? 'fast' : p <= t.slow ? 'slow' : 'uncertain';
}

export async function predictMaps(
  tf: typeof tfjs,
  model: tfjs.LayersModel,
  inputs: readonly Float32Array[],
  opts: PredictOptions = {},
): Promise<Prediction[]> {
  const t = checkThresholds(opts.thresholds ?? DEFAULT_THRESHOLDS);
  const temperature = opts.temperature ?? 1;
  if (!(temperature > 0)) throw new ThresholdError(`temperature must be > 0 (got ${temperature})`);
  const size = (model.inputs[0].shape[1] as number) ?? 40;
  const logits = predictLogits(tf, model, inputs, size, opts.batch ?? 256);
  const out: Prediction[] = Array.from(logits, (z) => {
    const probability = sigmoid(z / temperature);
    return { probability, logit: z, class: classify(probability, t) };
  });
  if (opts.uncertaintyPasses && opts.uncertaintyPasses > 0 && inputs.length > 0) {
    const u = await predictiveUncertainty(tf, model, inputs, {
      passes: opts.uncertaintyPasses,
      method: opts.uncertaintyMethod ?? 'mc-dropout',
      seed: opts.seed ?? 1,
      // Passes on the same calibrated scale as `probability`.
      temperature,
    });
    u.forEach((e, i) => {
      out[i].uncertainty = { mean: e.mean, std: e.std, passes: e.passes, method: e.method };
    });
  }
  return out;
}
