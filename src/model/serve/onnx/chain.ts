/**
 * Reads a trained galspin CNN (a tfjs-layers chain: Conv2D, MaxPooling2D, BatchNormalization,
 * Flatten, Dense, Dropout, sigmoid tail) into a plain description of its layer chain: NCHW steps
 * up to the logit with weights in ONNX's layouts, and the Dropout head that MC dropout re-runs
 * (./head.ts). The graph emitters (./emit-*.ts) turn the chain into ONNX; nothing here builds nodes.
 *
 * Inference-mode BatchNormalization is folded into the next valid-padded Conv2D or Dense
 * (./fold.ts); only where that is not exact (before a 'same'-padded Conv2D, a MaxPool, another
 * BatchNormalization or the first Dropout) does it stay as an `affine` step. tfjs is NHWC and ONNX
 * convolutions are NCHW: Dense kernels right after Flatten are permuted to NCHW order.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { GalspinError } from '../../../errors.ts';
import { chainOf, inputShapeOf } from '../../explain/attribution-forward.ts';
import {
  type Affine,
  batchNormAffine,
  denseRowsToNchw,
  foldAffineIntoConv,
  foldAffineIntoDense,
  oihwFromHwio,
} from './fold.ts';

export class OnnxExportError extends GalspinError {
  override name = 'OnnxExportError';
}

/** [channels, height, width] of an NCHW activation, batch left out. */
type Chw = [number, number, number];

export interface ConvStep {
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

export interface PoolStep {
  kind: 'pool';
  size: number;
  in: Chw;
  out: Chw;
}

export interface DenseStep {
  kind: 'dense';
  /** [inUnits, units], rows in the order of the ONNX input. */
  weight: Float32Array;
  inUnits: number;
  units: number;
  bias: Float32Array;
  relu: boolean;
}

export type Step =
  | ConvStep
  | PoolStep
  | { kind: 'affine'; scale: Float32Array; shift: Float32Array; rank: 2 | 4 }
  | { kind: 'flatten'; in: Chw }
  | DenseStep;

/** A Dense or Dropout layer of the head that follows the features, in order. */
export type HeadLayer = DenseStep | { kind: 'dropout'; rate: number };

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

/** The chain as read so far, layer by layer. */
interface Reading {
  chw: Chw;
  /** Units after Flatten; undefined before it. */
  flat: number | undefined;
  steps: Step[];
  head: HeadLayer[];
  /** −1 until the first Dropout, then the number of steps before it. */
  featureSteps: number;
  featureUnits: number;
  /** A BatchNormalization not yet folded into the layer after it. */
  pending: Affine | undefined;
}

/** Reads the chain of `model` into NCHW steps with BatchNormalization folded. */
export function extractChain(model: tfjs.LayersModel): ExportedChain {
  const { layers, tail } = chainOf(model);
  const { shape } = inputShapeOf(model);
  const r: Reading = {
    chw: [shape[2], shape[0], shape[1]],
    flat: undefined,
    steps: [],
    head: [],
    featureSteps: -1,
    featureUnits: 0,
    pending: undefined,
  };
  // A trailing sigmoid Activation is left out: the graphs end at the logit.
  const end = tail === 'skip' ? layers.length - 1 : layers.length;
  for (let li = 0; li < end; li++)
    readLayer(r, layers[li], li === layers.length - 1 && tail === 'dense-without-sigmoid');
  if (r.pending) throw new OnnxExportError('BatchNormalization at the end of the model is not exportable');
  if (r.featureSteps < 0) {
    r.featureSteps = r.steps.length;
    r.featureUnits = 1;
  }
  const { steps, featureSteps, head, featureUnits } = r;
  return { steps, featureSteps, head, featureUnits, input: [shape[2], shape[0], shape[1]] };
}

type Reader = (r: Reading, layer: tfjs.layers.Layer, dropSigmoid: boolean) => void;

/** The layer kinds the exporter reads, by tfjs class name. */
const readers = new Map<string, Reader>([
  ['Dropout', readDropout],
  ['Conv2D', readConv2D],
  ['MaxPooling2D', readMaxPooling2D],
  ['BatchNormalization', readBatchNormalization],
  ['Flatten', readFlatten],
  ['Dense', readDense],
]);

/** One layer into `r`; `dropSigmoid` for the output Dense whose sigmoid the logit leaves out. */
function readLayer(r: Reading, layer: tfjs.layers.Layer, dropSigmoid: boolean): void {
  const cls = layer.getClassName();
  const read = readers.get(cls);
  if (!read) throw new OnnxExportError(`layer ${layer.name} (${cls}) is not exportable`);
  read(r, layer, dropSigmoid);
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

/** Emits the pending BatchNormalization as an `affine` step where it could not be folded. */
function flushAffine(r: Reading): void {
  const pending = r.pending;
  if (!pending) return;
  const last = r.steps[r.steps.length - 1];
  if (last?.kind === 'flatten' && pending.scale.length !== r.flat) {
    // A per-channel affine left over from before Flatten applies to the NCHW map.
    r.steps.splice(r.steps.length - 1, 0, { kind: 'affine', ...pending, rank: 4 });
  } else r.steps.push({ kind: 'affine', ...pending, rank: r.flat === undefined ? 4 : 2 });
  r.pending = undefined;
}

/** The first Dropout closes the features; every Dropout joins the head. */
function readDropout(r: Reading, layer: tfjs.layers.Layer): void {
  if (r.featureSteps < 0) {
    if (r.flat === undefined)
      throw new OnnxExportError(`Dropout ${layer.name} before Flatten is not supported`);
    flushAffine(r);
    r.featureSteps = r.steps.length;
    r.featureUnits = r.flat;
  }
  r.head.push({ kind: 'dropout', rate: (layer as unknown as { rate: number }).rate });
}

interface Conv2DLike {
  strides: number[];
  padding: string;
  dilationRate: number[];
  dataFormat: string;
  kernelSize: number[];
  useBias: boolean;
}

/** The [top, left, bottom, right] pads of an exportable Conv2D; throws for any other. */
function convPads(layer: tfjs.layers.Layer): [number, number, number, number] {
  const c = layer as unknown as Conv2DLike;
  if (
    c.dataFormat !== 'channelsLast' ||
    c.strides.some((s) => s !== 1) ||
    c.dilationRate.some((d) => d !== 1)
  )
    throw new OnnxExportError(`Conv2D ${layer.name}: only stride 1, dilation 1, channels-last is exportable`);
  if (c.padding !== 'same') return [0, 0, 0, 0];
  const [kh, kw] = c.kernelSize;
  if (kh % 2 === 0 || kw % 2 === 0)
    throw new OnnxExportError(`Conv2D ${layer.name}: 'same' padding needs an odd kernel`);
  return [(kh - 1) / 2, (kw - 1) / 2, (kh - 1) / 2, (kw - 1) / 2];
}

function readConv2D(r: Reading, layer: tfjs.layers.Layer): void {
  if (r.featureSteps >= 0) throw new OnnxExportError(`Conv2D ${layer.name} after a Dropout is not supported`);
  const pads = convPads(layer);
  const { kernelSize, useBias, padding } = layer as unknown as Conv2DLike;
  const [kh, kw] = kernelSize;
  const [kernel, bias] = layer.getWeights();
  const [cin, h, w] = r.chw;
  const cout = kernel.shape[3] as number;
  const dims: [number, number, number, number] = [cout, cin, kh, kw];
  let weight: Float32Array = oihwFromHwio(data(kernel), [kh, kw, cin, cout]);
  let b: Float32Array = useBias && bias ? Float32Array.from(data(bias)) : new Float32Array(cout);
  if (r.pending) {
    if (padding === 'same') flushAffine(r);
    else {
      ({ weight, bias: b } = foldAffineIntoConv(weight, b, r.pending, dims));
      r.pending = undefined;
    }
  }
  const out: Chw = [cout, h + pads[0] + pads[2] - kh + 1, w + pads[1] + pads[3] - kw + 1];
  const act = activationOf(layer);
  if (act === 'sigmoid')
    throw new OnnxExportError(`Conv2D ${layer.name}: sigmoid activation is not exportable`);
  r.steps.push({ kind: 'conv', weight, dims, bias: b, pads, relu: act === 'relu', out });
  r.chw = out;
}

function readMaxPooling2D(r: Reading, layer: tfjs.layers.Layer): void {
  const p = layer as unknown as { poolSize: number[]; strides: number[]; padding: string };
  const size = p.poolSize[0];
  if (p.poolSize[1] !== size || p.strides[0] !== size || p.strides[1] !== size || p.padding !== 'valid')
    throw new OnnxExportError(
      `MaxPooling2D ${layer.name}: only square, non-overlapping, valid pools are exportable`,
    );
  flushAffine(r);
  const out: Chw = [r.chw[0], Math.floor(r.chw[1] / size), Math.floor(r.chw[2] / size)];
  r.steps.push({ kind: 'pool', size, in: r.chw, out });
  r.chw = out;
}

/** Held as `pending` until the next layer shows whether it folds. */
function readBatchNormalization(r: Reading, layer: tfjs.layers.Layer): void {
  flushAffine(r);
  const bn = layer as unknown as { epsilon: number; center: boolean; scale: boolean };
  const weights = layer.getWeights().map(data);
  let wi = 0;
  const n = r.flat ?? r.chw[0];
  const gamma = bn.scale ? weights[wi++] : new Float32Array(n).fill(1);
  const beta = bn.center ? weights[wi++] : new Float32Array(n);
  const mean = weights[wi++];
  const variance = weights[wi++];
  r.pending = batchNormAffine(n, { gamma, beta, mean, variance }, bn.epsilon);
}

function readFlatten(r: Reading): void {
  if (r.flat !== undefined) return;
  r.steps.push({ kind: 'flatten', in: r.chw });
  r.flat = r.chw[0] * r.chw[1] * r.chw[2];
}

function readDense(r: Reading, layer: tfjs.layers.Layer, dropSigmoid: boolean): void {
  const inUnits = r.flat;
  if (inUnits === undefined) throw new OnnxExportError(`Dense ${layer.name} before Flatten is not supported`);
  const inHead = r.featureSteps >= 0;
  const [kernel, bias] = layer.getWeights();
  const units = kernel.shape[1] as number;
  const k = data(kernel); // [in, out], in in the order of its input
  let b: Float32Array =
    (layer as unknown as { useBias: boolean }).useBias && bias
      ? Float32Array.from(data(bias))
      : new Float32Array(units);
  const previous = r.steps[r.steps.length - 1];
  // Inside the head the features are already a flat vector in tfjs's order.
  const nchw = previous?.kind === 'flatten' && !inHead ? previous.in : undefined;
  let weight: Float32Array = nchw ? denseRowsToNchw(k, nchw, units) : Float32Array.from(k);
  if (r.pending && !inHead) {
    const channelOf = nchw ? (j: number) => Math.floor(j / (nchw[1] * nchw[2])) : (j: number) => j;
    ({ weight, bias: b } = foldAffineIntoDense(weight, b, r.pending, [inUnits, units], channelOf));
    r.pending = undefined;
  }
  let act = activationOf(layer);
  if (dropSigmoid) act = 'linear';
  else if (act === 'sigmoid') throw new OnnxExportError(`Dense ${layer.name}: sigmoid before the output`);
  const dense: DenseStep = { kind: 'dense', weight, inUnits, units, bias: b, relu: act === 'relu' };
  if (inHead) r.head.push(dense);
  r.steps.push(dense);
  r.flat = units;
}
