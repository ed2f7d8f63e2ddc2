/**
 * Predictive uncertainty of P(fast) for each map, from repeated stochastic passes:
 *
 * - **MC dropout** (Gal & Ghahramani 2016, arXiv:1506.02142): Dropout layers really drop (seeded
 *   masks, rate from the layer), BatchNormalization stays in inference mode and its moving
 *   statistics are never touched (see ./attribution-forward.ts). All passes of all maps are tiled
 *   into batches of at most `chunk` rows, one forward call per batch.
 * - **Test-time augmentation**: the 8 symmetries of the square (rotations by 0/90/180/270° with and
 *   without a horizontal flip). A mirrored or rotated rotating disc is still a rotating disc, so
 *   the spread measures how much the decision depends on orientation.
 *
 * Reports the mean and the sample standard deviation (n − 1) of the probability over passes.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { forwardLogit, inputShapeOf, stackInputs, type Tf } from './attribution-forward.ts';

export type UncertaintyMethod = 'mc-dropout' | 'tta' | 'both';

export interface UncertaintyEstimate {
  /** Mean probability of fast over passes. */
  mean: number;
  /** Sample standard deviation of the probability over passes (0 for a single pass). */
  std: number;
  /** Number of stochastic passes. */
  passes: number;
  method: UncertaintyMethod;
}

export interface UncertaintyOptions {
  /** MC dropout passes per map (for 'both': per augmented view). Default 30. */
  passes?: number;
  /** Seed of the dropout masks; the same seed gives the same estimates. */
  seed?: number;
  /** Most rows per forward call. */
  chunk?: number;
}

export class UncertaintyError extends Error {
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

/** Rows of logits for stacked rows, chunked; dropout active when `dropoutSeed` is set. */
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

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** Estimates from MC-dropout logits laid out map-major (n × passes), e.g. from the ONNX engine. */
export function mcDropoutFromLogits(logits: Float32Array, n: number, passes: number): UncertaintyEstimate[] {
  return summarise(
    Array.from({ length: n }, (_, m) =>
      Float64Array.from(logits.subarray(m * passes, (m + 1) * passes), sigmoid),
    ),
    'mc-dropout',
  );
}

/**
 * Probabilities of each map under each of `views` (augmented copies, each `size` long) and
 * `passes` dropout passes (0 = deterministic), as one array per map.
 */
async function probabilitiesOver(
  tf: Tf,
  model: tfjs.LayersModel,
  views: Float32Array[][],
  passes: number,
  seed: number,
  chunk: number,
): Promise<Float64Array[]> {
  const { size } = inputShapeOf(model);
  const nMaps = views.length;
  const perMap = views[0].length * Math.max(passes, 1);
  const nRows = nMaps * perMap;
  const rows = new Float32Array(nRows * size);
  let r = 0;
  for (let m = 0; m < nMaps; m++)
    for (const v of views[m]) for (let p = 0; p < Math.max(passes, 1); p++) rows.set(v, r++ * size);
  const logits = await rowLogits(tf, model, rows, nRows, chunk, passes > 0 ? seed : undefined);
  return Array.from({ length: nMaps }, (_, m) =>
    Float64Array.from(logits.subarray(m * perMap, (m + 1) * perMap), sigmoid),
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
  const passes = opts.passes ?? 30;
  checkPasses(passes);
  if (inputs.length === 0) return [];
  const { size } = inputShapeOf(model);
  stackInputs(inputs, size);
  const probs = await probabilitiesOver(
    tf,
    model,
    inputs.map((x) => [x]),
    passes,
    opts.seed ?? 1,
    opts.chunk ?? 512,
  );
  return summarise(probs, 'mc-dropout');
}

/** Test-time augmentation over the 8 symmetries of the square (deterministic, dropout off). */
export async function testTimeAugmentation(
  tf: Tf,
  model: tfjs.LayersModel,
  inputs: readonly Float32Array[],
  opts: Pick<UncertaintyOptions, 'chunk'> = {},
): Promise<UncertaintyEstimate[]> {
  if (inputs.length === 0) return [];
  const { shape, size } = inputShapeOf(model);
  if (shape[0] !== shape[1])
    throw new UncertaintyError(`test-time rotations need a square input, got ${shape}`);
  stackInputs(inputs, size);
  const transforms = dihedralTransforms(shape[0], shape[2]);
  const views = inputs.map((x) => transforms.map((t) => applyIndex(x, t)));
  return summarise(await probabilitiesOver(tf, model, views, 0, 0, opts.chunk ?? 512), 'tta');
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
  if (inputs.length === 0) return [];
  const { shape, size } = inputShapeOf(model);
  stackInputs(inputs, size);
  const transforms = dihedralTransforms(shape[0], shape[2]);
  const views = inputs.map((x) => transforms.map((t) => applyIndex(x, t)));
  return summarise(
    await probabilitiesOver(tf, model, views, passes, opts.seed ?? 1, opts.chunk ?? 512),
    'both',
  );
}
