/**
 * The exporter's weight arithmetic against TensorFlow.js on the bundled champion's own layers: its
 * BatchNormalization statistics, the kernels they fold into, and activations of mock galaxies
 * through the same normalisation as serving. tfjs computes the unfolded layers (the oracle); the
 * folded weights, put back into tfjs's layouts by tfjs's own transpose, must give the same outputs
 * to float32 rounding.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type * as tfjs from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildModelInput } from '../../../maps/model-input.ts';
import { planSurvey } from '../../../survey/index.ts';
import { initBackend } from '../../backend.ts';
import type { Tf } from '../../explain/attribution-forward.ts';
import { artifactsToModel, resolveModelDir } from '../../store.ts';
import {
  type Affine,
  batchNormAffine,
  denseRowsToNchw,
  foldAffineIntoConv,
  foldAffineIntoDense,
  oihwFromHwio,
} from './fold.ts';

const modelsDir = fileURLToPath(new URL('../../../../models/', import.meta.url));
const champion = JSON.parse(readFileSync(`${modelsDir}champion.json`, 'utf8')) as { version: string };

let tf: Tf;
let model: tfjs.LayersModel;
/** Mock galaxies (four maps) as the champion reads them, [4, 40, 40, 2]. */
let maps: tfjs.Tensor4D;

beforeAll(async () => {
  tf = (await initBackend(undefined, { log: () => {} })).tf;
  const { artifacts } = await resolveModelDir(`${modelsDir}${champion.version}`);
  model = await artifactsToModel(tf, artifacts);
  const survey = planSurvey({ family: 'analytic', n: 4, seed: 3, slowFraction: 0.5, unknown: 0 });
  const inputs = Array.from(survey, (g) => buildModelInput(g.galaxy, 'velocity+dispersion').input);
  const flat = new Float32Array(inputs.length * inputs[0].length);
  inputs.forEach((x, i) => {
    flat.set(x, i * x.length);
  });
  maps = tf.tensor4d(flat, [inputs.length, 40, 40, 2]);
}, 60_000);

/** The champion's activation at the output of layer `name` for the mock maps. */
function activationAt(name: string): tfjs.Tensor {
  return tf
    .model({ inputs: model.inputs, outputs: model.getLayer(name).output as tfjs.SymbolicTensor })
    .predict(maps) as tfjs.Tensor;
}

const f32 = (t: tfjs.Tensor) => t.dataSync() as Float32Array;

/** The affine of the champion's BatchNormalization layer `name`. */
function affineOf(name: string): Affine {
  const layer = model.getLayer(name) as tfjs.layers.Layer & { epsilon: number };
  const [gamma, beta, mean, variance] = layer.getWeights().map(f32);
  return batchNormAffine(gamma.length, { gamma, beta, mean, variance }, layer.epsilon);
}

/** max |a − b| / max(1, max |b|). */
function relativeError(a: tfjs.Tensor, b: tfjs.Tensor): number {
  const x = f32(a);
  const y = f32(b);
  expect(x.length).toBe(y.length);
  let worst = 0;
  let scale = 1;
  for (let i = 0; i < x.length; i++) {
    worst = Math.max(worst, Math.abs(x[i] - y[i]));
    scale = Math.max(scale, Math.abs(y[i]));
  }
  return worst / scale;
}

describe('batchNormAffine', () => {
  it("gives the champion's bn1 in inference mode as scale·x + shift", () => {
    const x = activationAt('pool1');
    const reference = model.getLayer('bn1').apply(x, { training: false }) as tfjs.Tensor;
    const { scale, shift } = affineOf('bn1');
    const ours = x.mul(tf.tensor1d(scale)).add(tf.tensor1d(shift));
    expect(relativeError(ours, reference)).toBeLessThan(1e-6);
    // Trained statistics: the layer is far from the identity, so a wrong formula would show.
    expect(relativeError(x, reference)).toBeGreaterThan(0.1);
  });
});

describe('oihwFromHwio', () => {
  it("is the transpose [O, I, kh, kw] of the champion's conv2 kernel", () => {
    const [kernel] = model.getLayer('conv2').getWeights();
    const [kh, kw, cin, cout] = kernel.shape as [number, number, number, number];
    const ours = oihwFromHwio(f32(kernel), [kh, kw, cin, cout]);
    expect(Array.from(ours)).toEqual(Array.from(f32(tf.transpose(kernel, [3, 2, 0, 1]))));
  });
});

describe('foldAffineIntoConv', () => {
  /** conv2 on bn1(x), unfolded (tfjs) and folded (our weights back in HWIO), with `padding`. */
  function conv2Outputs(padding: 'valid' | 'same'): [tfjs.Tensor, tfjs.Tensor] {
    const x = activationAt('pool1');
    const [kernel, bias] = model.getLayer('conv2').getWeights();
    const [kh, kw, cin, cout] = kernel.shape as [number, number, number, number];
    const affine = affineOf('bn1');
    const normalised = x.mul(tf.tensor1d(affine.scale)).add(tf.tensor1d(affine.shift)) as tfjs.Tensor4D;
    const reference = tf.conv2d(normalised, kernel as tfjs.Tensor4D, 1, padding).add(bias);
    const folded = foldAffineIntoConv(oihwFromHwio(f32(kernel), [kh, kw, cin, cout]), f32(bias), affine, [
      cout,
      cin,
      kh,
      kw,
    ]);
    const hwio = tf.transpose(tf.tensor4d(folded.weight, [cout, cin, kh, kw]), [2, 3, 1, 0]) as tfjs.Tensor4D;
    return [tf.conv2d(x as tfjs.Tensor4D, hwio, 1, padding).add(tf.tensor1d(folded.bias)), reference];
  }

  it("folds the champion's bn1 into conv2 exactly for its valid padding", () => {
    const [ours, reference] = conv2Outputs('valid');
    expect(relativeError(ours, reference)).toBeLessThan(1e-5);
  });

  it("is not exact with 'same' padding, which is why the chain keeps an affine step there", () => {
    const [ours, reference] = conv2Outputs('same');
    expect(relativeError(ours, reference)).toBeGreaterThan(1e-3);
  });

  it('leaves its arguments untouched', () => {
    const weight = Float32Array.from([1, 2, 3, 4]);
    const bias = Float32Array.from([0.5]);
    foldAffineIntoConv(
      weight,
      bias,
      { scale: Float32Array.from([3]), shift: Float32Array.from([1]) },
      [1, 1, 2, 2],
    );
    expect(Array.from(weight)).toEqual([1, 2, 3, 4]);
    expect(Array.from(bias)).toEqual([0.5]);
  });
});

describe('denseRowsToNchw and foldAffineIntoDense', () => {
  it("fold the champion's bn3 into dense1 across Flatten, on an NCHW-flattened input", () => {
    const x = activationAt('pool3') as tfjs.Tensor4D;
    const [, H, W, C] = x.shape;
    const [kernel, bias] = model.getLayer('dense1').getWeights();
    const units = kernel.shape[1] as number;
    const affine = affineOf('bn3');
    const nhwcFlat = x
      .mul(tf.tensor1d(affine.scale))
      .add(tf.tensor1d(affine.shift))
      .reshape([-1, H * W * C]);
    const reference = tf.matMul(nhwcFlat as tfjs.Tensor2D, kernel as tfjs.Tensor2D).add(bias);
    const folded = foldAffineIntoDense(
      denseRowsToNchw(f32(kernel), [C, H, W], units),
      f32(bias),
      affine,
      [H * W * C, units],
      (j) => Math.floor(j / (H * W)),
    );
    const nchwFlat = tf.transpose(x, [0, 3, 1, 2]).reshape([-1, H * W * C]) as tfjs.Tensor2D;
    const ours = tf
      .matMul(nchwFlat, tf.tensor2d(folded.weight, [H * W * C, units]))
      .add(tf.tensor1d(folded.bias));
    expect(relativeError(ours, reference)).toBeLessThan(1e-5);
  });

  it('takes a per-unit affine (BatchNormalization between Dense layers) unit by unit', () => {
    const x = tf.randomNormal([5, 96], 0, 1, 'float32', 1) as tfjs.Tensor2D;
    const [kernel, bias] = model.getLayer('dense2').getWeights();
    const affine = {
      scale: f32(tf.randomUniform([96], 0.5, 2, 'float32', 2)),
      shift: f32(tf.randomNormal([96], 0, 0.5, 'float32', 3)),
    };
    const normalised = x.mul(tf.tensor1d(affine.scale)).add(tf.tensor1d(affine.shift)) as tfjs.Tensor2D;
    const reference = tf.matMul(normalised, kernel as tfjs.Tensor2D).add(bias);
    const folded = foldAffineIntoDense(f32(kernel), f32(bias), affine, [96, 32], () => {
      throw new Error('a per-unit affine has no channels');
    });
    const ours = tf.matMul(x, tf.tensor2d(folded.weight, [96, 32])).add(tf.tensor1d(folded.bias));
    expect(relativeError(ours, reference)).toBeLessThan(1e-5);
  });
});
