/**
 * Exports a trained galspin CNN (a tfjs-layers chain: Conv2D, MaxPooling2D, BatchNormalization,
 * Flatten, Dense, Dropout, sigmoid tail) to ONNX graphs for the CPU serving engine:
 *
 * - **forward**: `velocity_map` [N, H, W, C] → `logit` [N] and `features` [N, F], the activation
 *   that enters the first Dropout. MC dropout then only re-runs the small dense head in plain
 *   arithmetic (./head.ts) instead of the whole network per pass.
 * - **gradient**: `velocity_map` → `logit` and `input_gradient` [N, H, W, C] = ∂logit/∂x, the
 *   reverse pass written out as ONNX ops (flipped-kernel Conv for Conv2D, window-max masks for
 *   MaxPool, ReLU masks, transposed Dense), so Integrated Gradients run on ONNX Runtime without a
 *   training runtime.
 * - **path gradient** (when the chain opens with Conv → ReLU → MaxPool): Σₖ wₖ ∂logit/∂x at αₖ·x
 *   per map, with the first block run once per map (see {@link pathGradientGraph}).
 *
 * Inference-mode BatchNormalization y = γ(x − μ)/√(σ² + ε) + β is an affine map per channel
 * (Ioffe & Szegedy 2015, Alg. 2) and is folded into the next valid-padded Conv2D or Dense, so
 * neither graph carries it. tfjs is NHWC and ONNX convolutions are NCHW: the input is transposed
 * once and Dense kernels after Flatten are permuted to NCHW order.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { GalspinError } from '../../../errors.ts';
import { chainOf, inputShapeOf } from '../../explain/attribution-forward.ts';
import { OnnxGraph } from './graph.ts';

export class OnnxExportError extends GalspinError {
  override name = 'OnnxExportError';
}

type Chw = [number, number, number];

type Step =
  | {
      kind: 'conv';
      /** ONNX layout [O, I, kh, kw]. */
      weight: Float32Array;
      dims: [number, number, number, number];
      bias: Float32Array;
      /** [top, left, bottom, right]. */
      pads: [number, number, number, number];
      relu: boolean;
      out: Chw;
    }
  | { kind: 'pool'; size: number; in: Chw; out: Chw }
  | { kind: 'affine'; scale: Float32Array; shift: Float32Array; rank: 2 | 4 }
  | { kind: 'flatten'; in: Chw }
  | {
      kind: 'dense';
      weight: Float32Array;
      inUnits: number;
      units: number;
      bias: Float32Array;
      relu: boolean;
    };

/** A Dense or Dropout layer of the head that follows the features, in order. */
export type HeadLayer =
  | { kind: 'dense'; weight: Float32Array; inUnits: number; units: number; bias: Float32Array; relu: boolean }
  | { kind: 'dropout'; rate: number };

export interface ExportedChain {
  /** NCHW steps up to the logit, BatchNormalization folded where possible. */
  steps: Step[];
  /** Steps before the first Dropout (all steps when the model has none). */
  featureSteps: number;
  /** Layers from the first Dropout to the logit; empty when the model has no Dropout. */
  head: HeadLayer[];
  featureUnits: number;
  input: Chw;
}

interface Activated {
  activation: { getClassName(): string };
}

function activationOf(layer: tfjs.layers.Layer): 'relu' | 'linear' | 'sigmoid' {
  const name = (layer as unknown as Activated).activation?.getClassName() ?? 'linear';
  if (name === 'relu' || name === 'linear' || name === 'sigmoid') return name;
  throw new OnnxExportError(`layer ${layer.name}: activation '${name}' is not exportable`);
}

const data = (t: tfjs.Tensor) => t.dataSync() as Float32Array;

/** Reads the chain of `model` into NCHW steps with BatchNormalization folded. */
export function extractChain(model: tfjs.LayersModel): ExportedChain {
  const { layers, tail } = chainOf(model);
  const { shape } = inputShapeOf(model);
  let chw: Chw = [shape[2], shape[0], shape[1]];
  let flat: number | undefined;
  const steps: Step[] = [];
  const head: HeadLayer[] = [];
  let featureSteps = -1;
  let featureUnits = 0;
  let pending: { scale: Float32Array; shift: Float32Array } | undefined;

  const flushAffine = () => {
    if (!pending) return;
    const last = steps[steps.length - 1];
    if (last?.kind === 'flatten' && pending.scale.length !== flat) {
      // A per-channel affine left over from before Flatten applies to the NCHW map.
      steps.splice(steps.length - 1, 0, { kind: 'affine', ...pending, rank: 4 });
    } else steps.push({ kind: 'affine', ...pending, rank: flat === undefined ? 4 : 2 });
    pending = undefined;
  };

  for (let li = 0; li < layers.length; li++) {
    const layer = layers[li];
    const cls = layer.getClassName();
    const isLast = li === layers.length - 1;
    if (isLast && tail === 'skip') break;
    const inHead = featureSteps >= 0;
    if (cls === 'Dropout') {
      if (!inHead) {
        flushAffine();
        featureSteps = steps.length;
        featureUnits = flat ?? chw[0] * chw[1] * chw[2];
        if (flat === undefined)
          throw new OnnxExportError(`Dropout ${layer.name} before Flatten is not supported`);
      }
      head.push({ kind: 'dropout', rate: (layer as unknown as { rate: number }).rate });
      continue;
    }
    if (cls === 'Conv2D') {
      if (inHead) throw new OnnxExportError(`Conv2D ${layer.name} after a Dropout is not supported`);
      const c = layer as unknown as {
        strides: number[];
        padding: string;
        dilationRate: number[];
        dataFormat: string;
        kernelSize: number[];
        useBias: boolean;
      };
      if (
        c.dataFormat !== 'channelsLast' ||
        c.strides.some((s) => s !== 1) ||
        c.dilationRate.some((d) => d !== 1)
      )
        throw new OnnxExportError(
          `Conv2D ${layer.name}: only stride 1, dilation 1, channels-last is exportable`,
        );
      const [kh, kw] = c.kernelSize;
      const [kernel, bias] = layer.getWeights();
      const k = data(kernel); // [kh, kw, I, O]
      const [cin, h, w] = chw;
      const cout = kernel.shape[3] as number;
      const weight = new Float32Array(cout * cin * kh * kw);
      for (let y = 0; y < kh; y++)
        for (let x = 0; x < kw; x++)
          for (let i = 0; i < cin; i++)
            for (let o = 0; o < cout; o++)
              weight[((o * cin + i) * kh + y) * kw + x] = k[((y * kw + x) * cin + i) * cout + o];
      const b = c.useBias && bias ? Float32Array.from(data(bias)) : new Float32Array(cout);
      let pads: [number, number, number, number] = [0, 0, 0, 0];
      if (c.padding === 'same') {
        if (kh % 2 === 0 || kw % 2 === 0)
          throw new OnnxExportError(`Conv2D ${layer.name}: 'same' padding needs an odd kernel`);
        pads = [(kh - 1) / 2, (kw - 1) / 2, (kh - 1) / 2, (kw - 1) / 2];
      }
      if (pending) {
        if (c.padding === 'same') flushAffine();
        else {
          // conv(a·x + s) = conv_{W·a}(x) + Σ W·s: exact only without zero padding.
          for (let o = 0; o < cout; o++)
            for (let i = 0; i < cin; i++)
              for (let t = 0; t < kh * kw; t++) {
                const idx = (o * cin + i) * kh * kw + t;
                b[o] += weight[idx] * pending.shift[i];
                weight[idx] *= pending.scale[i];
              }
          pending = undefined;
        }
      }
      const out: Chw = [cout, h + pads[0] + pads[2] - kh + 1, w + pads[1] + pads[3] - kw + 1];
      const act = activationOf(layer);
      if (act === 'sigmoid')
        throw new OnnxExportError(`Conv2D ${layer.name}: sigmoid activation is not exportable`);
      steps.push({
        kind: 'conv',
        weight,
        dims: [cout, cin, kh, kw],
        bias: b,
        pads,
        relu: act === 'relu',
        out,
      });
      chw = out;
      continue;
    }
    if (cls === 'MaxPooling2D') {
      const p = layer as unknown as { poolSize: number[]; strides: number[]; padding: string };
      const size = p.poolSize[0];
      if (p.poolSize[1] !== size || p.strides[0] !== size || p.strides[1] !== size || p.padding !== 'valid')
        throw new OnnxExportError(
          `MaxPooling2D ${layer.name}: only square, non-overlapping, valid pools are exportable`,
        );
      flushAffine();
      const out: Chw = [chw[0], Math.floor(chw[1] / size), Math.floor(chw[2] / size)];
      steps.push({ kind: 'pool', size, in: chw, out });
      chw = out;
      continue;
    }
    if (cls === 'BatchNormalization') {
      flushAffine();
      const bn = layer as unknown as {
        epsilon: number;
        center: boolean;
        scale: boolean;
        axis: number | number[];
      };
      const weights = layer.getWeights().map(data);
      let wi = 0;
      const n = flat ?? chw[0];
      const gamma = bn.scale ? weights[wi++] : new Float32Array(n).fill(1);
      const beta = bn.center ? weights[wi++] : new Float32Array(n);
      const mean = weights[wi++];
      const variance = weights[wi++];
      const scale = new Float32Array(n);
      const shift = new Float32Array(n);
      for (let i = 0; i < n; i++) {
        scale[i] = gamma[i] / Math.sqrt(variance[i] + bn.epsilon);
        shift[i] = beta[i] - mean[i] * scale[i];
      }
      pending = { scale, shift };
      continue;
    }
    if (cls === 'Flatten') {
      if (flat !== undefined) continue;
      steps.push({ kind: 'flatten', in: chw });
      flat = chw[0] * chw[1] * chw[2];
      continue;
    }
    if (cls === 'Dense') {
      if (flat === undefined)
        throw new OnnxExportError(`Dense ${layer.name} before Flatten is not supported`);
      const d = layer as unknown as { useBias: boolean };
      const [kernel, bias] = layer.getWeights();
      const units = kernel.shape[1] as number;
      const k = data(kernel); // [in, out], in in the order of its input
      const inUnits = flat;
      let weight = Float32Array.from(k);
      const b = d.useBias && bias ? Float32Array.from(data(bias)) : new Float32Array(units);
      const previous = steps[steps.length - 1];
      const afterFlatten = previous?.kind === 'flatten';
      let channelOf = (j: number) => j;
      if (afterFlatten && !inHead) {
        // tfjs flattens NHWC (j = (h·W + w)·C + c); ONNX's Flatten of NCHW gives c·H·W + h·W + w.
        const [C, H, W] = (previous as { in: Chw }).in;
        weight = new Float32Array(k.length);
        for (let c = 0; c < C; c++)
          for (let y = 0; y < H; y++)
            for (let x = 0; x < W; x++) {
              const from = ((y * W + x) * C + c) * units;
              const to = ((c * H + y) * W + x) * units;
              weight.set(k.subarray(from, from + units), to);
            }
        channelOf = (j: number) => Math.floor(j / (H * W));
      }
      if (pending && !inHead) {
        const s = pending;
        const perChannel = s.scale.length;
        for (let j = 0; j < inUnits; j++) {
          const ch = perChannel === inUnits ? j : channelOf(j);
          for (let o = 0; o < units; o++) {
            b[o] += weight[j * units + o] * s.shift[ch];
            weight[j * units + o] *= s.scale[ch];
          }
        }
        pending = undefined;
      }
      let act = activationOf(layer);
      if (isLast && tail === 'dense-without-sigmoid') act = 'linear';
      else if (act === 'sigmoid') throw new OnnxExportError(`Dense ${layer.name}: sigmoid before the output`);
      const dense = { kind: 'dense' as const, weight, inUnits, units, bias: b, relu: act === 'relu' };
      if (inHead) head.push(dense);
      steps.push(dense);
      flat = units;
      continue;
    }
    throw new OnnxExportError(`layer ${layer.name} (${cls}) is not exportable`);
  }
  if (pending) throw new OnnxExportError('BatchNormalization at the end of the model is not exportable');
  if (featureSteps < 0) {
    featureSteps = steps.length;
    featureUnits = 1;
  }
  return { steps, featureSteps, head, featureUnits, input: [shape[2], shape[0], shape[1]] };
}

interface Emitted {
  /** The input of step `from`. */
  start: string;
  from: number;
  logit: string;
  features?: string;
  /** Per step: the step's output ('' before `from`). */
  outputs: string[];
}

/** The graph input [N, H, W, C] as NCHW. */
function toNchw(g: OnnxGraph, chain: ExportedChain, input: string): string {
  const [channels, height, width] = chain.input;
  // With one channel NHWC and NCHW share a memory layout: a Reshape is free, a Transpose copies.
  return channels === 1
    ? g.node('Reshape', [input, g.int64s('shape', [-1, 1, height, width])])
    : g.node('Transpose', [input], { perm: [0, 3, 1, 2] });
}

/** NCHW back to the graph's [N, H, W, C] layout, under the output name `name`. */
function fromNchw(g: OnnxGraph, chain: ExportedChain, t: string, name: string): void {
  const [c, h, w] = chain.input;
  if (c === 1) g.node('Reshape', [t, g.int64s('shape', [-1, h, w, 1])], {}, [name]);
  else g.node('Transpose', [t], { perm: [0, 2, 3, 1] }, [name]);
  g.output(name, ['N', h, w, c]);
}

/** Steps `from`… of the chain on `start` (the input of step `from`, NCHW). */
function emitSteps(g: OnnxGraph, chain: ExportedChain, start: string, from = 0): Emitted {
  let h = start;
  let features: string | undefined;
  const outputs: string[] = [];
  chain.steps.forEach((s, i) => {
    if (i < from) {
      outputs.push('');
      return;
    }
    if (i === chain.featureSteps && chain.head.length > 0) features = h;
    switch (s.kind) {
      case 'conv': {
        h = g.node('Conv', [h, g.floats('W', s.weight, [...s.dims]), g.floats('B', s.bias, [s.dims[0]])], {
          kernel_shape: [s.dims[2], s.dims[3]],
          pads: [s.pads[0], s.pads[1], s.pads[2], s.pads[3]],
          strides: [1, 1],
        });
        if (s.relu) h = g.node('Relu', [h]);
        break;
      }
      case 'pool': {
        h = g.node('MaxPool', [h], { kernel_shape: [s.size, s.size], strides: [s.size, s.size] });
        break;
      }
      case 'affine': {
        const dims = s.rank === 4 ? [1, s.scale.length, 1, 1] : [1, s.scale.length];
        h = g.node('Mul', [h, g.floats('scale', s.scale, dims)]);
        h = g.node('Add', [h, g.floats('shift', s.shift, dims)]);
        break;
      }
      case 'flatten':
        h = g.node('Flatten', [h], { axis: 1 });
        break;
      case 'dense': {
        h = g.node('Gemm', [
          h,
          g.floats('W', s.weight, [s.inUnits, s.units]),
          g.floats('B', s.bias, [s.units]),
        ]);
        if (s.relu) h = g.node('Relu', [h]);
        break;
      }
    }
    outputs.push(h);
  });
  const logit = g.node('Reshape', [h, g.int64s('flat', [-1])], {}, ['logit']);
  return { start, from, logit, features, outputs };
}

/** The forward graph: logit and (when the model has a Dropout head) the features. */
export function forwardGraph(chain: ExportedChain): OnnxGraph {
  const g = new OnnxGraph('galspin_forward');
  const [c, h, w] = chain.input;
  const x = g.input('velocity_map', ['N', h, w, c]);
  const f = emitSteps(g, chain, toNchw(g, chain, x));
  g.output('logit', ['N']);
  if (f.features) {
    g.node('Identity', [f.features], {}, ['features']);
    g.output('features', ['N', chain.featureUnits]);
  }
  return g;
}

const zeroOf = (g: OnnxGraph) => g.floats('zero', new Float32Array([0]), [1]);

/**
 * The reverse pass from ∂logit/∂logit = 1 down to the input of step `f.from`: the gradient with
 * respect to that input, NCHW.
 */
function emitBackward(g: OnnxGraph, chain: ExportedChain, f: Emitted): string {
  const last = f.outputs[f.outputs.length - 1];
  // ∂logit/∂logit = 1 per row: a [N, 1] tensor of ones shaped like the last activation.
  let grad = g.node('Add', [g.node('Mul', [last, zeroOf(g)]), g.floats('one', new Float32Array([1]), [1])]);
  const zero = () => zeroOf(g);
  // Conv steps whose ReLU mask a following pool's mask already applied.
  const reluDone = new Set<number>();
  // Rows/columns at the bottom/right that a pool dropped, still to be restored as zeros, and the
  // same handed to a convolution as extra padding.
  let missing: [number, number] = [0, 0];
  let edge: [number, number] = [0, 0];
  for (let i = chain.steps.length - 1; i >= f.from; i--) {
    const s = chain.steps[i];
    const input = i === f.from ? f.start : f.outputs[i - 1];
    switch (s.kind) {
      case 'dense': {
        if (s.relu) grad = reluMask(g, grad, f.outputs[i]);
        const transposed = new Float32Array(s.weight.length);
        for (let j = 0; j < s.inUnits; j++)
          for (let o = 0; o < s.units; o++) transposed[o * s.inUnits + j] = s.weight[j * s.units + o];
        grad = g.node('MatMul', [grad, g.floats('WT', transposed, [s.units, s.inUnits])]);
        break;
      }
      case 'flatten':
        grad = g.node('Reshape', [grad, g.int64s('shape', [-1, ...s.in])]);
        break;
      case 'affine': {
        const dims = s.rank === 4 ? [1, s.scale.length, 1, 1] : [1, s.scale.length];
        grad = g.node('Mul', [grad, g.floats('scale', s.scale, dims)]);
        break;
      }
      case 'pool': {
        // MaxPool's gradient goes to each window's maximum: upsample the gradient and the pooled
        // values back to the pooled part of the input grid and keep the positions equal to their
        // window's max. Ties inside a window (constant regions, e.g. outside the bundle) pass the
        // gradient to every tied cell where TensorFlow picks the first; both are subgradients.
        // Rows and columns the pool dropped (odd sizes) get no gradient: the mask works on the
        // cropped grid and the convolution below pads the missing edge instead.
        const previous = i > f.from ? chain.steps[i - 1] : undefined;
        const afterRelu = previous?.kind === 'conv' && previous.relu;
        const pooled = f.outputs[i];
        // An all-zero window after a ReLU passes nothing; a positive maximum sits where the ReLU
        // passes. So the ReLU's mask is applied on the small pooled grid.
        const gp = afterRelu
          ? g.node('Mul', [grad, g.node('Cast', [g.node('Greater', [pooled, zero()])], { to: 1 })])
          : grad;
        let scattered: [number, number];
        [grad, scattered] = scatterToMax(g, gp, input, pooled, s);
        missing = scattered;
        if (afterRelu) reluDone.add(i - 1);
        if (previous?.kind !== 'conv') {
          grad = padEdge(g, grad, missing);
          missing = [0, 0];
        }
        break;
      }
      case 'conv': {
        if (missing[0] || missing[1]) {
          if (s.relu && !reluDone.has(i)) grad = padEdge(g, grad, missing);
          else edge = missing;
        }
        missing = [0, 0];
        if (s.relu && !reluDone.has(i)) grad = reluMask(g, grad, f.outputs[i]);
        grad = convInputGradient(g, grad, s, edge);
        edge = [0, 0];
        break;
      }
    }
  }
  return padEdge(g, grad, missing);
}

/**
 * MaxPool's backward on the pooled part of the input grid: the gradient upsampled and kept where
 * the input equals its window's maximum. Returns it and the [rows, columns] the pool dropped.
 */
function scatterToMax(
  g: OnnxGraph,
  grad: string,
  input: string,
  pooled: string,
  s: Extract<Step, { kind: 'pool' }>,
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
function convInputGradient(
  g: OnnxGraph,
  grad: string,
  s: Extract<Step, { kind: 'conv' }>,
  edge: [number, number],
): string {
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
  const flipped = new Float32Array(s.weight.length);
  for (let a = 0; a < o; a++)
    for (let b = 0; b < c; b++)
      for (let y = 0; y < kh; y++)
        for (let x = 0; x < kw; x++)
          flipped[((b * o + a) * kh + y) * kw + x] =
            s.weight[((a * c + b) * kh + (kh - 1 - y)) * kw + (kw - 1 - x)];
  return g.node('Conv', [grad, g.floats('Wflip', flipped, [c, o, kh, kw])], {
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

/** The gradient graph: logit and ∂logit/∂velocity_map, the reverse pass written out in ONNX ops. */
export function gradientGraph(chain: ExportedChain): OnnxGraph {
  const g = new OnnxGraph('galspin_input_gradient');
  const [c, h, w] = chain.input;
  const x = g.input('velocity_map', ['N', h, w, c]);
  const f = emitSteps(g, chain, toNchw(g, chain, x));
  g.output('logit', ['N']);
  fromNchw(g, chain, emitBackward(g, chain, f), 'input_gradient');
  return g;
}

/**
 * The Integrated-Gradients path graph: for maps x [M, H, W, C], nodes α [S] (all ≥ 0) and weights
 * w [S], `path_gradient` [M, H, W, C] = Σₖ wₖ ∂F/∂x at αₖ·x, without ever running the first block
 * per node. When the chain opens with Conv → ReLU → MaxPool:
 *
 * - conv₁(αx) = α·c + b with c = W₁∗x, and for α > 0, maxpool(relu(α·c + b)) = relu(α·P + b) with
 *   P = maxpool(c): one convolution and one pool per map, then a multiply-add per node on the
 *   pooled grid;
 * - the window maxima of α·c + b sit where those of c do, so the MaxPool and ReLU masks of the first
 *   block are the argmax of c (per map) times [α·P + b > 0] (per node, pooled grid). The backward
 *   through the first block is linear after that mask, so the steps are summed on the pooled grid
 *   and scattered and convolved back once per map.
 *
 * Undefined when the chain does not open that way (the per-node gradient graph serves then).
 */
export function pathGradientGraph(chain: ExportedChain): OnnxGraph | undefined {
  const [conv1, pool1] = chain.steps;
  if (conv1?.kind !== 'conv' || !conv1.relu || pool1?.kind !== 'pool' || chain.steps.length < 3)
    return undefined;
  const g = new OnnxGraph('galspin_ig_path_gradient');
  const [c, h, w] = chain.input;
  const x = g.input('velocity_map', ['M', h, w, c]);
  const alpha = g.input('alpha', ['S']);
  const weight = g.input('weight', ['S']);
  const [c1, h1, w1] = pool1.out;
  const cLinear = g.node('Conv', [toNchw(g, chain, x), g.floats('W', conv1.weight, [...conv1.dims])], {
    kernel_shape: [conv1.dims[2], conv1.dims[3]],
    pads: [...conv1.pads],
    strides: [1, 1],
  });
  const P = g.node('MaxPool', [cLinear], {
    kernel_shape: [pool1.size, pool1.size],
    strides: [pool1.size, pool1.size],
  });
  // Rows m·S + k: α_k·P_m + b, the first block's pre-activation on the pooled grid.
  const scaled = g.node('Mul', [
    g.node('Reshape', [P, g.int64s('shape', [-1, 1, c1, h1, w1])]),
    g.node('Reshape', [alpha, g.int64s('shape', [1, -1, 1, 1, 1])]),
  ]);
  const preactivation = g.node('Add', [
    g.node('Reshape', [scaled, g.int64s('shape', [-1, c1, h1, w1])]),
    g.floats('B', conv1.bias, [1, c1, 1, 1]),
  ]);
  const f = emitSteps(g, chain, g.node('Relu', [preactivation]), 2);
  const gradPooled = g.node('Mul', [
    emitBackward(g, chain, f),
    g.node('Cast', [g.node('Greater', [preactivation, zeroOf(g)])], { to: 1 }),
  ]);
  // Σₖ wₖ · (…) per map, on the pooled grid.
  const perMap = g.node(
    'Concat',
    [g.int64s('m', [-1]), g.node('Shape', [alpha]), g.int64s('f', [c1 * h1 * w1])],
    {
      axis: 0,
    },
  );
  const summed = g.node(
    'ReduceSum',
    [
      g.node('Mul', [
        g.node('Reshape', [gradPooled, perMap]),
        g.node('Reshape', [weight, g.int64s('shape', [1, -1, 1])]),
      ]),
      g.int64s('axes', [1]),
    ],
    { keepdims: 0 },
  );
  const [scattered, missing] = scatterToMax(
    g,
    g.node('Reshape', [summed, g.int64s('shape', [-1, c1, h1, w1])]),
    cLinear,
    P,
    pool1,
  );
  fromNchw(g, chain, convInputGradient(g, scattered, conv1, missing), 'path_gradient');
  return g;
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

/** The graphs, serialised, plus the chain (whose head runs MC dropout in ./head.ts). */
export function exportOnnx(model: tfjs.LayersModel): {
  forward: Uint8Array;
  gradient: Uint8Array;
  /** Absent when the chain does not open with Conv → ReLU → MaxPool. */
  pathGradient?: Uint8Array;
  chain: ExportedChain;
} {
  const chain = extractChain(model);
  return {
    forward: forwardGraph(chain).serialize(),
    gradient: gradientGraph(chain).serialize(),
    pathGradient: pathGradientGraph(chain)?.serialize(),
    chain,
  };
}
