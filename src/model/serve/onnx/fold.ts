/**
 * Weight arithmetic for the ONNX exporter's chain (./chain.ts): kernels from tfjs's layouts to the
 * ones ONNX's NCHW graph reads, and inference-mode BatchNormalization folded into the next layer.
 *
 * Inference-mode BatchNormalization y = γ(x − μ)/√(σ² + ε) + β is an affine map per channel
 * (Ioffe & Szegedy 2015, Alg. 2): y = scale·x + shift. Folding it into the layer that follows
 * (conv(scale·x + shift) = conv_{W·scale}(x) + Σ W·shift, likewise for Dense) leaves no node for it
 * in the graph.
 *
 * All arrays are float32; the functions return new arrays and leave their arguments untouched.
 */

/** A per-channel (or per-unit) affine map y = scale·x + shift. */
export interface Affine {
  scale: Float32Array;
  shift: Float32Array;
}

/** The moving statistics and affine terms of a BatchNormalization layer, one value per channel. */
interface BatchNormStats {
  gamma: Float32Array;
  beta: Float32Array;
  mean: Float32Array;
  variance: Float32Array;
}

/** Inference-mode BatchNormalization over `n` channels as `scale·x + shift`. */
export function batchNormAffine(n: number, s: BatchNormStats, epsilon: number): Affine {
  const scale = new Float32Array(n);
  const shift = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    scale[i] = s.gamma[i] / Math.sqrt(s.variance[i] + epsilon);
    shift[i] = s.beta[i] - s.mean[i] * scale[i];
  }
  return { scale, shift };
}

/** A tfjs Conv2D kernel [kh, kw, I, O] in ONNX's Conv layout [O, I, kh, kw]. */
export function oihwFromHwio(
  k: Float32Array,
  [kh, kw, cin, cout]: [number, number, number, number],
): Float32Array {
  const weight = new Float32Array(cout * cin * kh * kw);
  for (let y = 0; y < kh; y++)
    for (let x = 0; x < kw; x++)
      for (let i = 0; i < cin; i++)
        for (let o = 0; o < cout; o++)
          weight[((o * cin + i) * kh + y) * kw + x] = k[((y * kw + x) * cin + i) * cout + o];
  return weight;
}

/**
 * A convolution (weight [O, I, kh, kw], bias [O]) applied after the per-input-channel `affine`, as
 * one convolution. Exact only without zero padding: a padded border would see the shift as well.
 */
export function foldAffineIntoConv(
  weight: Float32Array,
  bias: Float32Array,
  affine: Affine,
  [cout, cin, kh, kw]: [number, number, number, number],
): { weight: Float32Array; bias: Float32Array } {
  const w = Float32Array.from(weight);
  const b = Float32Array.from(bias);
  for (let o = 0; o < cout; o++)
    for (let i = 0; i < cin; i++)
      for (let t = 0; t < kh * kw; t++) {
        const idx = (o * cin + i) * kh * kw + t;
        b[o] += w[idx] * affine.shift[i];
        w[idx] *= affine.scale[i];
      }
  return { weight: w, bias: b };
}

/**
 * A Dense kernel [in, out] that follows a Flatten of a [C, H, W] map, with its rows reordered from
 * tfjs's NHWC flattening (j = (h·W + w)·C + c) to ONNX's flattening of NCHW (c·H·W + h·W + w).
 */
export function denseRowsToNchw(
  k: Float32Array,
  [C, H, W]: [number, number, number],
  units: number,
): Float32Array {
  const weight = new Float32Array(k.length);
  for (let c = 0; c < C; c++)
    for (let y = 0; y < H; y++)
      for (let x = 0; x < W; x++) {
        const from = ((y * W + x) * C + c) * units;
        const to = ((c * H + y) * W + x) * units;
        weight.set(k.subarray(from, from + units), to);
      }
  return weight;
}

/**
 * A Dense layer (weight [inUnits, units], bias [units]) applied after `affine`, as one Dense layer.
 * The affine has one term per input unit, or else one per channel, input unit j belonging to
 * channel `channelOf(j)`.
 */
export function foldAffineIntoDense(
  weight: Float32Array,
  bias: Float32Array,
  affine: Affine,
  [inUnits, units]: [number, number],
  channelOf: (j: number) => number,
): { weight: Float32Array; bias: Float32Array } {
  const w = Float32Array.from(weight);
  const b = Float32Array.from(bias);
  const perUnit = affine.scale.length === inUnits;
  for (let j = 0; j < inUnits; j++) {
    const ch = perUnit ? j : channelOf(j);
    for (let o = 0; o < units; o++) {
      b[o] += w[j * units + o] * affine.shift[ch];
      w[j * units + o] *= affine.scale[ch];
    }
  }
  return { weight: w, bias: b };
}
