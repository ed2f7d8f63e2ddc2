/**
 * Integrated Gradients (Sundararajan, Taly & Yan 2017, arXiv:1703.01365, eq. 1–3):
 *
 *   IGᵢ(x) = (xᵢ − x′ᵢ) ∫₀¹ ∂F(x′ + α(x − x′))/∂xᵢ dα,
 *
 * with F the model's **logit** (pre-sigmoid output, in logit units) and x′ the all-zero map
 * (after NaN→0, "no signal"). The integral is a quadrature rule over `steps` nodes
 * (./quadrature.ts). All (map, node) pairs are flattened into one list and evaluated in
 * chunks of at most `chunk` interpolated maps, one batched gradient per chunk, so memory is
 * bounded by `chunk` whatever the number of maps or steps.
 *
 * Completeness (the paper's axiom): Σᵢ IGᵢ = F(x) − F(x′). The relative gap
 * |Σ IG − (F(x) − F(x′))| / |F(x) − F(x′)| measures the quadrature error and is reported per map.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { GalspinError } from '../../errors.ts';
import { forwardLogit, inputShapeOf, logitsOf, stackInputs, type Tf } from './attribution-forward.ts';
import { type QuadratureRule, quadrature } from './quadrature.ts';

/**
 * Defaults chosen from measurement (`npm run bench:model -- --ig-sweep`, and ig.test.ts): with
 * Gauss–Legendre, 32 nodes give a median completeness gap of 0.3 % on a trained reduced model and
 * ~1.2 % on a barely trained Table 1 model (ReLU networks make the path integrand piecewise
 * constant, so every rule converges only like 1/m); maps still above `tolerance` are therefore
 * recomputed with doubled steps up to `maxSteps`.
 */
export const IG_DEFAULTS = {
  steps: 32,
  rule: 'gauss-legendre' as QuadratureRule,
  chunk: 128,
  tolerance: 0.01,
  maxSteps: 256,
} as const;

export interface IgOptions {
  /** Quadrature nodes (gradient evaluations) per map, first pass. */
  steps?: number;
  rule?: QuadratureRule;
  /** Most interpolated maps in one gradient call (memory bound). */
  chunk?: number;
  /**
   * Completeness gap above which a map is recomputed with twice the steps (until `maxSteps`).
   * 0 or Infinity disables refinement. Default 0.01 when `steps` is not given, otherwise off.
   */
  tolerance?: number;
  maxSteps?: number;
}

export interface IgResult {
  /** Same layout as the input (H × W × C, row-major), logit units; Σ ≈ logit − baselineLogit. */
  attribution: Float32Array;
  /** F(x): the model's logit for the map. */
  logit: number;
  /** F(x′): the logit of the all-zero baseline. */
  baselineLogit: number;
  /** Σᵢ IGᵢ. */
  attributionSum: number;
  /** |Σ IG − (F(x) − F(x′))| / |F(x) − F(x′)|; NaN when F(x) = F(x′). */
  completenessGap: number;
  /** Quadrature nodes used for this map (more than requested after refinement). */
  steps: number;
}

export class IgError extends GalspinError {
  override name = 'IgError';
}

/**
 * What Integrated Gradients needs from a model: logits and input gradients of stacked maps
 * (n × size, row-major). TensorFlow.js ({@link tfjsGradientSource}) and the ONNX Runtime engine
 * (../serve/onnx/engine.ts) both provide it.
 */
export interface GradientSource {
  /** Values in one flattened input map. */
  readonly inputSize: number;
  logits(stacked: Float32Array, n: number): Promise<Float32Array>;
  /** ∂logit/∂x for each of `n` stacked maps, same layout as the input. */
  inputGradients(stacked: Float32Array, n: number): Promise<Float32Array>;
  /**
   * Optional shortcut: Σₖ wₖ ∂F/∂x at αₖ·x for each of `n` stacked maps (nodes ≥ 0), so a source can
   * share work between the nodes of one map. At most `maxRows` (map, node) pairs per call.
   */
  pathGradients?(
    stacked: Float32Array,
    n: number,
    nodes: Float32Array,
    weights: Float32Array,
    maxRows: number,
  ): Promise<Float32Array>;
}

/** A {@link GradientSource} on a tfjs chain model, in batches of at most `chunk` maps. */
export function tfjsGradientSource(
  tf: Tf,
  model: tfjs.LayersModel,
  chunk: number = IG_DEFAULTS.chunk,
): GradientSource {
  const { shape, size } = inputShapeOf(model);
  const gradOfSum = tf.grad((z: tfjs.Tensor) => forwardLogit(tf, model, z).sum());
  return {
    inputSize: size,
    logits: (stacked, n) => logitsOf(tf, model, stacked, n, chunk),
    async inputGradients(stacked, n) {
      const out = new Float32Array(n * size);
      for (let start = 0; start < n; start += chunk) {
        const count = Math.min(chunk, n - start);
        // Each map's logit depends only on that map (BatchNormalization in inference mode), so the
        // gradient of the batch sum is the per-map gradient.
        const g = tf.tidy(() =>
          gradOfSum(tf.tensor4d(stacked.subarray(start * size, (start + count) * size), [count, ...shape])),
        );
        out.set(await g.data(), start * size);
        g.dispose();
      }
      return out;
    },
  };
}

/**
 * Integrated Gradients of each map; see the module comment. Maps whose completeness gap exceeds
 * `tolerance` are recomputed with doubled steps up to `maxSteps`. Leaves no tensors behind.
 */
export async function integratedGradients(
  tf: Tf,
  model: tfjs.LayersModel,
  inputs: readonly Float32Array[],
  opts: IgOptions = {},
): Promise<IgResult[]> {
  checkChunk(opts.chunk ?? IG_DEFAULTS.chunk);
  return integratedGradientsWith(
    tfjsGradientSource(tf, model, opts.chunk ?? IG_DEFAULTS.chunk),
    inputs,
    opts,
  );
}

function checkChunk(chunk: number): void {
  if (!Number.isInteger(chunk) || chunk < 1)
    throw new IgError(`chunk must be a positive integer, got ${chunk}`);
}

/** {@link integratedGradients} on any {@link GradientSource}. */
export async function integratedGradientsWith(
  source: GradientSource,
  inputs: readonly Float32Array[],
  opts: IgOptions = {},
): Promise<IgResult[]> {
  const tolerance = opts.tolerance ?? (opts.steps === undefined ? IG_DEFAULTS.tolerance : 0);
  const maxSteps = opts.maxSteps ?? IG_DEFAULTS.maxSteps;
  const results = await integratedGradientsFixed(source, inputs, opts);
  if (!(tolerance > 0 && Number.isFinite(tolerance))) return results;
  let steps = results[0]?.steps ?? 0;
  let pending = results.map((_, i) => i).filter((i) => results[i].completenessGap > tolerance);
  while (pending.length > 0 && steps * 2 <= maxSteps) {
    steps *= 2;
    const again = await integratedGradientsFixed(
      source,
      pending.map((i) => inputs[i]),
      { ...opts, steps },
    );
    pending.forEach((i, k) => {
      results[i] = again[k];
    });
    pending = pending.filter((i) => results[i].completenessGap > tolerance);
  }
  return results;
}

async function integratedGradientsFixed(
  source: GradientSource,
  inputs: readonly Float32Array[],
  opts: IgOptions,
): Promise<IgResult[]> {
  const steps = opts.steps ?? IG_DEFAULTS.steps;
  const rule = opts.rule ?? IG_DEFAULTS.rule;
  const chunk = opts.chunk ?? IG_DEFAULTS.chunk;
  checkChunk(chunk);
  const q = quadrature(rule, steps);
  const n = inputs.length;
  if (n === 0) return [];
  const size = source.inputSize;
  const stacked = stackInputs(inputs, size);

  const logits = await source.logits(stacked, n);
  const baselineLogit = (await source.logits(new Float32Array(size), 1))[0];

  // Σₖ wₖ ∂F/∂x at αₖ x, accumulated in float64 per map.
  const pathGradient = new Float64Array(n * size);
  if (source.pathGradients && q.nodes.every((a) => a >= 0)) {
    const g = await source.pathGradients(
      stacked,
      n,
      Float32Array.from(q.nodes),
      Float32Array.from(q.weights),
      chunk,
    );
    for (let j = 0; j < n * size; j++) pathGradient[j] = g[j];
    return attributions(stacked, pathGradient, logits, baselineLogit, n, size, steps);
  }
  const total = n * steps;
  const rows = new Float32Array(Math.min(chunk, total) * size);
  for (let start = 0; start < total; start += chunk) {
    const count = Math.min(chunk, total - start);
    // Baseline zero: x′ + α(x − x′) = α x.
    for (let i = 0; i < count; i++) {
      const pair = start + i;
      const m = Math.floor(pair / steps);
      const alpha = q.nodes[pair % steps];
      const base = m * size;
      const off = i * size;
      for (let j = 0; j < size; j++) rows[off + j] = alpha * stacked[base + j];
    }
    const g = await source.inputGradients(rows.subarray(0, count * size), count);
    for (let i = 0; i < count; i++) {
      const pair = start + i;
      const w = q.weights[pair % steps];
      const base = Math.floor(pair / steps) * size;
      const off = i * size;
      for (let j = 0; j < size; j++) pathGradient[base + j] += w * g[off + j];
    }
  }

  return attributions(stacked, pathGradient, logits, baselineLogit, n, size, steps);
}

/** IG = x ⊙ path gradient (zero baseline), with the completeness gap of each map. */
function attributions(
  stacked: Float32Array,
  pathGradient: Float64Array,
  logits: Float32Array,
  baselineLogit: number,
  n: number,
  size: number,
  steps: number,
): IgResult[] {
  const results: IgResult[] = [];
  for (let m = 0; m < n; m++) {
    const attribution = new Float32Array(size);
    let sum = 0;
    for (let j = 0; j < size; j++) {
      const a = stacked[m * size + j] * pathGradient[m * size + j];
      attribution[j] = a;
      sum += a;
    }
    const delta = logits[m] - baselineLogit;
    results.push({
      attribution,
      logit: logits[m],
      baselineLogit,
      attributionSum: sum,
      completenessGap: delta === 0 ? Number.NaN : Math.abs(sum - delta) / Math.abs(delta),
      steps,
    });
  }
  return results;
}

/** Median of the finite completeness gaps (NaN when there is none). */
export function medianCompletenessGap(results: readonly Pick<IgResult, 'completenessGap'>[]): number {
  const gaps = results
    .map((r) => r.completenessGap)
    .filter(Number.isFinite)
    .sort((a, b) => a - b);
  if (gaps.length === 0) return Number.NaN;
  const mid = gaps.length >> 1;
  return gaps.length % 2 ? gaps[mid] : (gaps[mid - 1] + gaps[mid]) / 2;
}
