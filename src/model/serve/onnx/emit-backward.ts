/**
 * The reverse pass of an exported chain (./chain.ts) as ONNX nodes: ∂logit/∂x written out as
 * flipped-kernel convolutions for Conv2D, window-max masks for MaxPool, ReLU masks and transposed
 * Dense kernels, so input gradients run on ONNX Runtime without a training runtime.
 */
import type { ConvStep, DenseStep, ExportedChain, PoolStep, Step } from './chain.ts';
import type { Emitted } from './emit-forward.ts';
import type { OnnxGraph } from './graph.ts';

/** A [1] float zero initializer. */
export const zeroOf = (g: OnnxGraph) => g.floats('zero', new Float32Array([0]), [1]);

/** The reverse pass so far, walking the steps from the logit down. */
interface Reverse {
  grad: string;
  /** Conv steps whose ReLU mask a following pool's mask already applied. */
  reluDone: Set<number>;
  /** Rows/columns at the bottom/right that a pool dropped, still to be restored as zeros. */
  missing: [number, number];
}

/**
 * The reverse pass from ∂logit/∂logit = 1 down to the input of step `f.from`: the gradient with
 * respect to that input, NCHW.
 */
export function emitBackward(g: OnnxGraph, chain: ExportedChain, f: Emitted): string {
  const last = f.outputs[f.outputs.length - 1];
  // ∂logit/∂logit = 1 per row: a [N, 1] tensor of ones shaped like the last activation.
  const ones = g.node('Add', [g.node('Mul', [last, zeroOf(g)]), g.floats('one', new Float32Array([1]), [1])]);
  const r: Reverse = { grad: ones, reluDone: new Set(), missing: [0, 0] };
  for (let i = chain.steps.length - 1; i >= f.from; i--) {
    const s = chain.steps[i];
    switch (s.kind) {
      case 'dense':
        r.grad = denseInputGradient(g, r.grad, s, f.outputs[i]);
        break;
      case 'flatten':
        r.grad = g.node('Reshape', [r.grad, g.int64s('shape', [-1, ...s.in])]);
        break;
      case 'affine': {
        const dims = s.rank === 4 ? [1, s.scale.length, 1, 1] : [1, s.scale.length];
        r.grad = g.node('Mul', [r.grad, g.floats('scale', s.scale, dims)]);
        break;
      }
      case 'pool': {
        const input = i === f.from ? f.start : f.outputs[i - 1];
        const previous = i > f.from ? chain.steps[i - 1] : undefined;
        poolBackward(g, r, s, { input, pooled: f.outputs[i], previous, index: i });
        break;
      }
      case 'conv':
        convBackward(g, r, s, f.outputs[i], i);
        break;
    }
  }
  return padEdge(g, r.grad, r.missing);
}

/** A Dense layer's input gradient: its ReLU mask, then the transposed kernel. */
function denseInputGradient(g: OnnxGraph, grad: string, s: DenseStep, output: string): string {
  const masked = s.relu ? reluMask(g, grad, output) : grad;
  const transposed = new Float32Array(s.weight.length);
  for (let j = 0; j < s.inUnits; j++)
    for (let o = 0; o < s.units; o++) transposed[o * s.inUnits + j] = s.weight[j * s.units + o];
  return g.node('MatMul', [masked, g.floats('WT', transposed, [s.units, s.inUnits])]);
}

/**
 * MaxPool's gradient goes to each window's maximum: upsample the gradient and the pooled values
 * back to the pooled part of the input grid and keep the positions equal to their window's max.
 * Ties inside a window (constant regions, e.g. outside the bundle) pass the gradient to every tied
 * cell where TensorFlow picks the first; both are subgradients. Rows and columns the pool dropped
 * (odd sizes) get no gradient: the mask works on the cropped grid and the convolution below pads
 * the missing edge instead.
 */
function poolBackward(
  g: OnnxGraph,
  r: Reverse,
  s: PoolStep,
  at: { input: string; pooled: string; previous: Step | undefined; index: number },
): void {
  const afterRelu = at.previous?.kind === 'conv' && at.previous.relu;
  // An all-zero window after a ReLU passes nothing; a positive maximum sits where the ReLU
  // passes. So the ReLU's mask is applied on the small pooled grid.
  const gp = afterRelu
    ? g.node('Mul', [r.grad, g.node('Cast', [g.node('Greater', [at.pooled, zeroOf(g)])], { to: 1 })])
    : r.grad;
  [r.grad, r.missing] = scatterToMax(g, gp, at.input, at.pooled, s);
  if (afterRelu) r.reluDone.add(at.index - 1);
  if (at.previous?.kind !== 'conv') {
    r.grad = padEdge(g, r.grad, r.missing);
    r.missing = [0, 0];
  }
}

/**
 * A Conv step's input gradient. Rows/columns a pool below it dropped are restored as zeros before
 * its ReLU mask, or, with no mask left to apply, handed to the convolution as extra padding.
 */
function convBackward(g: OnnxGraph, r: Reverse, s: ConvStep, output: string, index: number): void {
  const masks = s.relu && !r.reluDone.has(index);
  let edge: [number, number] = [0, 0];
  if (r.missing[0] || r.missing[1]) {
    if (masks) r.grad = padEdge(g, r.grad, r.missing);
    else edge = r.missing;
  }
  r.missing = [0, 0];
  if (masks) r.grad = reluMask(g, r.grad, output);
  r.grad = convInputGradient(g, r.grad, s, edge);
}

/**
 * MaxPool's backward on the pooled part of the input grid: the gradient upsampled and kept where
 * the input equals its window's maximum. Returns it and the [rows, columns] the pool dropped.
 */
export function scatterToMax(
  g: OnnxGraph,
  grad: string,
  input: string,
  pooled: string,
  s: PoolStep,
): [string, [number, number]] {
  const [, inH, inW] = s.in;
  const cropH = s.out[1] * s.size;
  const cropW = s.out[2] * s.size;
  let y = input;
  if (cropH !== inH || cropW !== inW)
    y = g.node('Slice', [
      y,
      g.int64s('starts', [0, 0]),
      g.int64s('ends', [cropH, cropW]),
      g.int64s('axes', [2, 3]),
    ]);
  const isMax = g.node('Cast', [g.node('Equal', [y, upsample(g, pooled, s.size)])], { to: 1 });
  // Mul by a 0/1 float mask: ONNX Runtime's Mul is vectorised, its Where is not.
  return [g.node('Mul', [upsample(g, grad, s.size), isMax]), [inH - cropH, inW - cropW]];
}

/**
 * A convolution's input gradient. For stride 1 it is the convolution of the gradient, padded by
 * k − 1 − p, with the kernel flipped in space and its channels swapped (Dumoulin & Visin 2016,
 * sect. 4.1). A plain Conv keeps ONNX Runtime's blocked-layout kernels, which ConvTranspose does
 * not get; `edge` rows/columns the gradient lacks at the bottom/right become extra padding.
 */
export function convInputGradient(g: OnnxGraph, grad: string, s: ConvStep, edge: [number, number]): string {
  const [o, c, kh, kw] = s.dims;
  if (c < 8) {
    // A narrow result (the map's own channel) would be padded to the blocked layout's 8 or 16
    // channels; ConvTranspose's GEMM + col2im is cheaper there.
    return g.node('ConvTranspose', [padEdge(g, grad, edge), g.floats('W', s.weight, [...s.dims])], {
      kernel_shape: [kh, kw],
      pads: [...s.pads],
      strides: [1, 1],
    });
  }
  return g.node('Conv', [grad, g.floats('Wflip', flippedKernel(s), [c, o, kh, kw])], {
    kernel_shape: [kh, kw],
    pads: [
      kh - 1 - s.pads[0],
      kw - 1 - s.pads[1],
      kh - 1 - s.pads[2] + edge[0],
      kw - 1 - s.pads[3] + edge[1],
    ],
    strides: [1, 1],
  });
}

/** The kernel [O, I, kh, kw] flipped in space with its channels swapped: [I, O, kh, kw]. */
function flippedKernel(s: ConvStep): Float32Array {
  const [o, c, kh, kw] = s.dims;
  const flipped = new Float32Array(s.weight.length);
  for (let a = 0; a < o; a++)
    for (let b = 0; b < c; b++)
      for (let y = 0; y < kh; y++)
        for (let x = 0; x < kw; x++)
          flipped[((b * o + a) * kh + y) * kw + x] =
            s.weight[((a * c + b) * kh + (kh - 1 - y)) * kw + (kw - 1 - x)];
  return flipped;
}

/** The gradient through a ReLU: kept where its output is positive. */
function reluMask(g: OnnxGraph, grad: string, reluOutput: string): string {
  const positive = g.node('Greater', [reluOutput, g.floats('zero', new Float32Array([0]), [1])]);
  return g.node('Mul', [grad, g.node('Cast', [positive], { to: 1 })]);
}

/** Nearest-neighbour upsampling of a pooled [N, C, h, w] map by `size` to [N, C, h·size, w·size]. */
function upsample(g: OnnxGraph, t: string, size: number): string {
  return g.node('Resize', [t, '', g.floats('scales', Float32Array.from([1, 1, size, size]), [4])], {
    mode: 'nearest',
    coordinate_transformation_mode: 'asymmetric',
    nearest_mode: 'floor',
  });
}

/** Zero rows/columns appended at the bottom/right of an NCHW gradient. */
function padEdge(g: OnnxGraph, t: string, [h, w]: [number, number]): string {
  if (!h && !w) return t;
  return g.node('Pad', [t, g.int64s('pads', [0, 0, 0, 0, 0, 0, h, w])]);
}
