/**
 * Predictive uncertainty of P(fast) for each map, from repeated stochastic passes:
 *
 * - **MC dropout** (Gal & Ghahramani 2016, arXiv:1506.02142): Dropout layers really drop (seeded
 *   masks, rate from the layer), BatchNormalization stays in inference mode and its moving
 *   statistics are never touched (see ./attribution-forward.ts).
 * - **Test-time augmentation**: the 8 symmetries of the square (rotations by 0/90/180/270° with and
 *   without a horizontal flip). A mirrored or rotated rotating disc is still a rotating disc, so
 *   the spread measures how much the decision depends on orientation.
 *
 * **Scale.** Every pass's logit z goes through the same calibration as the reported probability,
 * p = σ(z / T) with T the model's temperature (`temperatureOf(metrics)`; the prior shift is already
 * in the weights). `mean` is the mean of these calibrated pass probabilities and `std` their sample
 * standard deviation (n − 1), so both sit on the scale of `probability` = σ(z_deterministic / T):
 * for a trained model |mean − probability| is small (dropout's Jensen gap only).
 *
 * **Reproducibility.** The dropout masks of a map depend on the map itself — a 32-bit hash of its
 * float values mixed with the base seed ({@link mapSeed}) — and on the pass index, never on the
 * map's position in a batch, the batch size or the chunking. The same file therefore gets the same
 * mean and σ from `galspin predict`, the embedded pipeline and the AWS pipeline, and from either
 * serving engine (TensorFlow.js here, ONNX Runtime's head-only passes in ./onnx/engine.ts, which
 * uses the same seeds and masks).
 */
import type * as tfjs from '@tensorflow/tfjs';
import { GalspinError } from '../../errors.ts';
import { sigmoid } from '../evaluate/calibration.ts';
import { forwardLogit, inputShapeOf, stackInputs, type Tf } from '../explain/attribution-forward.ts';

/** Stochastic passes per map, everywhere (predict, the embedded and the AWS pipeline). */
export const DEFAULT_MC_PASSES = 30;
/** Base seed of the dropout masks, everywhere; each map mixes in its own hash. */
export const DEFAULT_MC_SEED = 1;

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/**
 * The dropout seed of one map: FNV-1a over the bit patterns of its float values (−0 counted as 0,
 * every NaN as one NaN), mixed with `seed`. Same map (same bytes after preprocessing) → same seed,
 * wherever and with whatever else it is classified.
 */
export function mapSeed(input: ArrayLike<number>, seed: number = DEFAULT_MC_SEED): number {
  let h = (0x811c9dc5 ^ Math.imul(seed | 0, 0x9e3779b1)) >>> 0;
  for (let i = 0; i < input.length; i++) {
    const v = input[i];
    f32[0] = v === 0 ? 0 : Number.isNaN(v) ? Number.NaN : v;
    let w = u32[0];
    for (let b = 0; b < 4; b++) {
      h = Math.imul(h ^ (w & 0xff), 0x01000193);
      w >>>= 8;
    }
  }
  // Final avalanche (murmur3 fmix32) so that nearby maps get unrelated streams.
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}

export type UncertaintyMethod = 'mc-dropout' | 'tta' | 'both';

export interface UncertaintyEstimate {
  /** Mean of the calibrated pass probabilities σ(z_k / T). */
  mean: number;
  /** Sample standard deviation (n − 1) of the calibrated pass probabilities (0 for one pass). */
  std: number;
  /** Number of stochastic passes. */
  passes: number;
  method: UncertaintyMethod;
}

export interface UncertaintyOptions {
  /** MC dropout passes per map (for 'both': per augmented view). Default {@link DEFAULT_MC_PASSES}. */
  passes?: number;
  /** Base seed of the dropout masks, mixed with each map's hash ({@link mapSeed}). Default 1. */
  seed?: number;
  /** Most rows per forward call. */
  chunk?: number;
  /**
   * Calibration temperature T applied to every pass's logit, p = σ(z / T): the same as the
   * reported probability (`temperatureOf(metrics)`). Default 1 (the raw network).
   */
  temperature?: number;
}

export class UncertaintyError extends GalspinError {
  override name = 'UncertaintyError';
}

/**
 * Index map of a dihedral transform on an H × W × C map (H = W): out[i] = in[map[i]].
 * k quarter turns counter-clockwise after an optional horizontal flip (columns reversed).
 */
export function dihedralIndex(
  size: number,
  channels: number,
  quarterTurns: number,
  flip: boolean,
): Int32Array {
  const idx = new Int32Array(size * size * channels);
  const k = ((quarterTurns % 4) + 4) % 4;
  for (let r = 0; r < size; r++) {
    for (let c = 0; c < size; c++) {
      // Source pixel of output (r, c) under a counter-clockwise rotation by k quarter turns.
      let sr = r;
      let sc = c;
      for (let t = 0; t < k; t++) {
        const nr = sc;
        const nc = size - 1 - sr;
        sr = nr;
        sc = nc;
      }
      if (flip) sc = size - 1 - sc;
      for (let ch = 0; ch < channels; ch++)
        idx[(r * size + c) * channels + ch] = (sr * size + sc) * channels + ch;
    }
  }
  return idx;
}

/** The 8 symmetries of the square as index maps (identity first). */
export function dihedralTransforms(size: number, channels = 1): Int32Array[] {
  const out: Int32Array[] = [];
  for (const flip of [false, true])
    for (let k = 0; k < 4; k++) out.push(dihedralIndex(size, channels, k, flip));
  return out;
}

function applyIndex(src: Float32Array, idx: Int32Array): Float32Array {
  const out = new Float32Array(idx.length);
  for (let i = 0; i < idx.length; i++) out[i] = src[idx[i]];
  return out;
}

/**
 * Logits of `nRows` stacked rows, chunked. With `dropoutSeed` the Dropout layers drop, and row i's
 * masks depend only on (dropoutSeed, i, layer), not on the chunking.
 */
async function rowLogits(
  tf: Tf,
  model: tfjs.LayersModel,
  rows: Float32Array,
  nRows: number,
  chunk: number,
  dropoutSeed: number | undefined,
): Promise<Float32Array> {
  const { shape, size } = inputShapeOf(model);
  const out = new Float32Array(nRows);
  for (let start = 0; start < nRows; start += chunk) {
    const count = Math.min(chunk, nRows - start);
    const t = tf.tidy(() =>
      forwardLogit(
        tf,
        model,
        tf.tensor4d(rows.subarray(start * size, (start + count) * size), [count, ...shape]),
        {
          dropout: dropoutSeed === undefined ? undefined : { seed: dropoutSeed, firstRow: start },
        },
      ),
    );
    out.set(await t.data(), start);
    t.dispose();
  }
  return out;
}

function summarise(probs: Float64Array[], method: UncertaintyMethod): UncertaintyEstimate[] {
  return probs.map((p) => {
    const n = p.length;
    let mean = 0;
    for (const v of p) mean += v;
    mean /= n;
    let ss = 0;
    for (const v of p) ss += (v - mean) ** 2;
    return { mean, std: n > 1 ? Math.sqrt(ss / (n - 1)) : 0, passes: n, method };
  });
}

function checkTemperature(t: number): number {
  if (!(t > 0) || !Number.isFinite(t)) throw new UncertaintyError(`temperature must be > 0, got ${t}`);
  return t;
}

/** Calibrated probabilities σ(z / T) of a run of logits. */
function calibrated(logits: Float32Array, temperature: number): Float64Array {
  return Float64Array.from(logits, (z) => sigmoid(z / temperature));
}

/**
 * Estimates from MC-dropout logits laid out map-major (n × passes), e.g. from the ONNX engine,
 * each pass calibrated with `temperature` like the reported probability.
 */
export function mcDropoutFromLogits(
  logits: Float32Array,
  n: number,
  passes: number,
  temperature = 1,
): UncertaintyEstimate[] {
  checkTemperature(temperature);
  return summarise(
    Array.from({ length: n }, (_, m) =>
      calibrated(logits.subarray(m * passes, (m + 1) * passes), temperature),
    ),
    'mc-dropout',
  );
}

/**
 * Calibrated probabilities of each map under each of its `views` (augmented copies) and `passes`
 * dropout passes (0 = deterministic), as one array per map. With dropout, each map runs on its own
 * (rows = view · passes + pass, seed = {@link mapSeed} of the map), so its masks never depend on
 * the other maps; without dropout all rows are batched together.
 */
async function probabilitiesOver(
  tf: Tf,
  model: tfjs.LayersModel,
  inputs: readonly Float32Array[],
  views: Float32Array[][],
  passes: number,
  seed: number,
  chunk: number,
  temperature: number,
): Promise<Float64Array[]> {
  const { size } = inputShapeOf(model);
  const nMaps = views.length;
  const reps = Math.max(passes, 1);
  const perMap = views[0].length * reps;
  const fill = (rows: Float32Array, m: number, offset: number) => {
    let r = offset;
    for (const v of views[m]) for (let p = 0; p < reps; p++) rows.set(v, r++ * size);
  };
  if (passes > 0) {
    const out: Float64Array[] = [];
    const rows = new Float32Array(perMap * size);
    for (let m = 0; m < nMaps; m++) {
      fill(rows, m, 0);
      const logits = await rowLogits(tf, model, rows, perMap, chunk, mapSeed(inputs[m], seed));
      out.push(calibrated(logits, temperature));
    }
    return out;
  }
  const nRows = nMaps * perMap;
  const rows = new Float32Array(nRows * size);
  for (let m = 0; m < nMaps; m++) fill(rows, m, m * perMap);
  const logits = await rowLogits(tf, model, rows, nRows, chunk, undefined);
  return Array.from({ length: nMaps }, (_, m) =>
    calibrated(logits.subarray(m * perMap, (m + 1) * perMap), temperature),
  );
}

function checkPasses(passes: number): void {
  if (!Number.isInteger(passes) || passes < 1 || passes > 1000)
    throw new UncertaintyError(`passes must be an integer in [1, 1000], got ${passes}`);
}

/** MC dropout: `passes` forward passes per map with dropout active and BatchNorm frozen. */
export async function mcDropout(
  tf: Tf,
  model: tfjs.LayersModel,
  inputs: readonly Float32Array[],
  opts: UncertaintyOptions = {},
): Promise<UncertaintyEstimate[]> {
  const passes = opts.passes ?? DEFAULT_MC_PASSES;
  checkPasses(passes);
  const temperature = checkTemperature(opts.temperature ?? 1);
  if (inputs.length === 0) return [];
  const { size } = inputShapeOf(model);
  stackInputs(inputs, size);
  const probs = await probabilitiesOver(
    tf,
    model,
    inputs,
    inputs.map((x) => [x]),
    passes,
    opts.seed ?? DEFAULT_MC_SEED,
    opts.chunk ?? 512,
    temperature,
  );
  return summarise(probs, 'mc-dropout');
}

/** Test-time augmentation over the 8 symmetries of the square (deterministic, dropout off). */
export async function testTimeAugmentation(
  tf: Tf,
  model: tfjs.LayersModel,
  inputs: readonly Float32Array[],
  opts: Pick<UncertaintyOptions, 'chunk' | 'temperature'> = {},
): Promise<UncertaintyEstimate[]> {
  const temperature = checkTemperature(opts.temperature ?? 1);
  if (inputs.length === 0) return [];
  const { shape, size } = inputShapeOf(model);
  if (shape[0] !== shape[1])
    throw new UncertaintyError(`test-time rotations need a square input, got ${shape}`);
  stackInputs(inputs, size);
  const transforms = dihedralTransforms(shape[0], shape[2]);
  const views = inputs.map((x) => transforms.map((t) => applyIndex(x, t)));
  return summarise(
    await probabilitiesOver(tf, model, inputs, views, 0, 0, opts.chunk ?? 512, temperature),
    'tta',
  );
}

/** Either method, or both: every symmetry of the square × `passes` dropout passes. */
export async function predictiveUncertainty(
  tf: Tf,
  model: tfjs.LayersModel,
  inputs: readonly Float32Array[],
  opts: UncertaintyOptions & { method?: UncertaintyMethod } = {},
): Promise<UncertaintyEstimate[]> {
  const method = opts.method ?? 'mc-dropout';
  if (method === 'mc-dropout') return mcDropout(tf, model, inputs, opts);
  if (method === 'tta') return testTimeAugmentation(tf, model, inputs, opts);
  const passes = opts.passes ?? 4;
  checkPasses(passes);
  const temperature = checkTemperature(opts.temperature ?? 1);
  if (inputs.length === 0) return [];
  const { shape, size } = inputShapeOf(model);
  stackInputs(inputs, size);
  const transforms = dihedralTransforms(shape[0], shape[2]);
  const views = inputs.map((x) => transforms.map((t) => applyIndex(x, t)));
  return summarise(
    await probabilitiesOver(
      tf,
      model,
      inputs,
      views,
      passes,
      opts.seed ?? DEFAULT_MC_SEED,
      opts.chunk ?? 512,
      temperature,
    ),
    'both',
  );
}
