/**
 * A forward pass of a chain (Sequential-like) Keras-style model, layer by layer, that
 *
 * - returns the **logit** (pre-sigmoid output) instead of the probability, so that Integrated
 *   Gradients integrate a function that does not saturate (Sundararajan et al. 2017, Sect. 3;
 *   SCIENCE.md "prefer the logit as F");
 * - keeps BatchNormalization in inference mode (moving statistics, never updated), and
 * - optionally makes Dropout really active with a seeded mask, for MC dropout (Gal & Ghahramani
 *   2016, arXiv:1506.02142), which `model.predict` cannot do and `model.apply(x, {training: true})`
 *   would do only by also switching BatchNormalization to batch statistics and updating them.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { GalspinError } from '../../errors.ts';

export type Tf = typeof tfjs;

export class AttributionModelError extends GalspinError {
  override name = 'AttributionModelError';
}

export interface ForwardOptions {
  /**
   * When set, Dropout layers drop with their own rate. The mask of batch row i depends only on
   * (seed, firstRow + i, layer), so results do not depend on how rows are chunked.
   */
  dropout?: { seed: number; firstRow: number };
}

/** mulberry32 seeded by a hash of three integers: one independent stream per (seed, row, layer). */
function rowStream(seed: number, row: number, layer: number): () => number {
  let a =
    Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^
    Math.imul(row + 1, 0xc2b2ae35) ^
    Math.imul(layer + 7, 0x27d4eb2f);
  a >>>= 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Inverted-dropout mask (0 or 1/(1 − rate)) for a [rows, ...] activation. */
export function dropoutMask(
  shape: readonly number[],
  rate: number,
  seed: number,
  firstRow: number,
  layer: number,
): Float32Array {
  const rows = shape[0];
  const per = shape.slice(1).reduce((a, b) => a * b, 1);
  const mask = new Float32Array(rows * per);
  const keep = 1 / (1 - rate);
  for (let r = 0; r < rows; r++) {
    const rand = rowStream(seed, firstRow + r, layer);
    for (let j = 0; j < per; j++) mask[r * per + j] = rand() >= rate ? keep : 0;
  }
  return mask;
}

interface DenseLike {
  getClassName(): string;
  getWeights(): tfjs.Tensor[];
  activation?: { getClassName(): string };
}

function className(layer: tfjs.layers.Layer): string {
  return layer.getClassName();
}

/** What the last layer contributes: applied as-is, without its sigmoid, or skipped (Activation). */
type Tail = 'apply' | 'dense-without-sigmoid' | 'skip';

/**
 * The layers in evaluation order with the treatment of the tail, validated once per model.
 * Only single-input, single-output chains are accepted: every layer feeds the next.
 */
export function chainOf(model: tfjs.LayersModel): { layers: tfjs.layers.Layer[]; tail: Tail } {
  if (model.inputs.length !== 1 || model.outputs.length !== 1) {
    throw new AttributionModelError('attribution needs a single-input, single-output model');
  }
  const layers = model.layers.filter((l) => className(l) !== 'InputLayer');
  if (layers.length === 0) throw new AttributionModelError('model has no layers');
  for (const l of layers) {
    if (l.inboundNodes.length > 1 || (l.inboundNodes[0] && l.inboundNodes[0].inboundLayers.length > 1)) {
      throw new AttributionModelError(
        `layer ${l.name} is shared or merges inputs; only chains are supported`,
      );
    }
  }
  const last = layers[layers.length - 1];
  const lastName = className(last);
  let tail: Tail = 'apply';
  if (lastName === 'Activation') {
    const act = (last as unknown as DenseLike).activation?.getClassName();
    if (act === 'sigmoid') tail = 'skip';
  } else if (lastName === 'Dense') {
    const act = (last as unknown as DenseLike).activation?.getClassName();
    if (act === 'sigmoid') tail = 'dense-without-sigmoid';
    else if (act !== 'linear' && act !== undefined) {
      throw new AttributionModelError(`last Dense layer has activation '${act}', expected sigmoid or linear`);
    }
  }
  const outUnits = model.outputs[0].shape[model.outputs[0].shape.length - 1];
  if (outUnits !== 1) throw new AttributionModelError(`model output has ${outUnits} units, expected 1`);
  return { layers, tail };
}

/**
 * Logits of a batch, shape [N]. Pure function of `x` (given the weights), so `tf.grad` can
 * differentiate through it. Must be called inside `tf.tidy` or its result disposed by the caller.
 */
export function forwardLogit(tf: Tf, model: tfjs.LayersModel, x: tfjs.Tensor, opts: ForwardOptions = {}) {
  const { layers, tail } = chainOf(model);
  let h = x;
  let dropoutIndex = 0;
  for (let i = 0; i < layers.length; i++) {
    const layer = layers[i];
    const name = className(layer);
    const isLast = i === layers.length - 1;
    if (isLast && tail === 'skip') break;
    if (isLast && tail === 'dense-without-sigmoid') {
      const [kernel, bias] = (layer as unknown as DenseLike).getWeights();
      const flat = h.rank === 2 ? (h as tfjs.Tensor2D) : h.reshape([h.shape[0], -1]);
      h = bias
        ? tf.add(tf.matMul(flat as tfjs.Tensor2D, kernel as tfjs.Tensor2D), bias)
        : tf.matMul(flat as tfjs.Tensor2D, kernel as tfjs.Tensor2D);
      break;
    }
    if (name === 'Dropout') {
      if (opts.dropout) {
        const rate = (layer as unknown as { rate: number }).rate;
        // Our own masks: the layer's fixed seed (if any) would give identical masks every pass.
        const { seed, firstRow } = opts.dropout;
        h = tf.mul(h, tf.tensor(dropoutMask(h.shape, rate, seed, firstRow, dropoutIndex), h.shape));
      }
      dropoutIndex++;
      continue;
    }
    if (name === 'Conv2D' && isPlainConv(layer)) {
      h = unfusedConv2d(tf, layer, h as tfjs.Tensor4D);
      continue;
    }
    if (name === 'Dense' && h.rank === 2) {
      h = unfusedDense(tf, layer, h as tfjs.Tensor2D);
      continue;
    }
    h = layer.apply(h, { training: false }) as tfjs.Tensor;
  }
  return h.reshape([h.shape[0]]) as tfjs.Tensor1D;
}

type Activation = { apply(x: tfjs.Tensor): tfjs.Tensor; getClassName(): string };

/*
 * tfjs's own Relu gradient multiplies by step(x), which tfjs-node builds from five kernels (IsNan,
 * Greater, Fill, Select, …) and which dominated the IG profile; dy · sign(relu(x)) is one native op.
 */
const fastReluCache = new WeakMap<Tf, (x: tfjs.Tensor) => tfjs.Tensor>();
function fastRelu(tf: Tf): (x: tfjs.Tensor) => tfjs.Tensor {
  let f = fastReluCache.get(tf);
  if (!f) {
    f = tf.customGrad((x, save) => {
      const y = tf.relu(x as tfjs.Tensor);
      (save as tfjs.GradSaveFunc)([y]);
      return { value: y, gradFunc: (dy, saved) => tf.mul(dy, tf.sign(saved[0])) };
    }) as (x: tfjs.Tensor) => tfjs.Tensor;
    fastReluCache.set(tf, f);
  }
  return f;
}

function activate(tf: Tf, activation: Activation, y: tfjs.Tensor): tfjs.Tensor {
  return activation.getClassName() === 'relu' ? fastRelu(tf)(y) : activation.apply(y);
}

interface ConvLike {
  strides: number[];
  padding: 'valid' | 'same';
  dataFormat: string;
  dilationRate: number[];
  useBias: boolean;
  activation: Activation;
}

function isPlainConv(layer: tfjs.layers.Layer): boolean {
  const c = layer as unknown as ConvLike;
  return c.dataFormat === 'channelsLast' && c.dilationRate.every((d) => d === 1);
}

/*
 * tfjs-layers runs Conv2D and Dense through fused kernels whose custom gradient always computes the
 * kernel and bias gradients too; a gradient with respect to the INPUT (Integrated Gradients) then pays
 * for Conv2DBackpropFilter on every layer. Unfused ops let the tape compute only what reaches x.
 */
function unfusedConv2d(tf: Tf, layer: tfjs.layers.Layer, x: tfjs.Tensor4D): tfjs.Tensor {
  const c = layer as unknown as ConvLike;
  const [kernel, bias] = layer.getWeights();
  let y: tfjs.Tensor = tf.conv2d(x, kernel as tfjs.Tensor4D, [c.strides[0], c.strides[1]], c.padding);
  if (c.useBias && bias) y = tf.add(y, bias);
  return activate(tf, c.activation, y);
}

function unfusedDense(tf: Tf, layer: tfjs.layers.Layer, x: tfjs.Tensor2D): tfjs.Tensor {
  const d = layer as unknown as { useBias: boolean; activation: Activation };
  const [kernel, bias] = layer.getWeights();
  let y: tfjs.Tensor = tf.matMul(x, kernel as tfjs.Tensor2D);
  if (d.useBias && bias) y = tf.add(y, bias);
  return activate(tf, d.activation, y);
}

/** Input shape [H, W, C] of the model, and the flat length of one input. */
export function inputShapeOf(model: tfjs.LayersModel): { shape: [number, number, number]; size: number } {
  const s = model.inputs[0].shape;
  if (s.length !== 4 || s.slice(1).some((d) => d == null)) {
    throw new AttributionModelError(`model input shape ${JSON.stringify(s)} is not [N, H, W, C]`);
  }
  const shape = [s[1], s[2], s[3]] as [number, number, number];
  return { shape, size: shape[0] * shape[1] * shape[2] };
}

/** Stack flat inputs into one Float32Array of N × size, checking each length. */
export function stackInputs(inputs: readonly Float32Array[], size: number): Float32Array {
  const out = new Float32Array(inputs.length * size);
  inputs.forEach((x, i) => {
    if (x.length !== size) {
      throw new AttributionModelError(`input ${i} has ${x.length} values, the model expects ${size}`);
    }
    out.set(x, i * size);
  });
  return out;
}

/** Logits of many maps, chunked so the batch never exceeds `chunk` maps. */
export async function logitsOf(
  tf: Tf,
  model: tfjs.LayersModel,
  stacked: Float32Array,
  n: number,
  chunk: number,
  opts: ForwardOptions = {},
): Promise<Float32Array> {
  const { shape, size } = inputShapeOf(model);
  const out = new Float32Array(n);
  for (let start = 0; start < n; start += chunk) {
    const count = Math.min(chunk, n - start);
    const t = tf.tidy(() =>
      forwardLogit(
        tf,
        model,
        tf.tensor4d(stacked.subarray(start * size, (start + count) * size), [count, ...shape]),
        opts,
      ),
    );
    out.set(await t.data(), start);
    t.dispose();
  }
  return out;
}
