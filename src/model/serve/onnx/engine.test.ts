/**
 * The ONNX Runtime serving engine against TensorFlow.js on the same weights: the bundled champion
 * (Table 1, trained, real BatchNormalization statistics) and tuner variants that exercise the
 * exporter's other paths ('same' padding, an unfolded BatchNormalization, odd pools, no Dropout).
 *
 * Tolerances: float32 engines with different convolution algorithms agree on logits to ~1e-6.
 * Gradients of a ReLU network are piecewise constant, so a pre-activation within rounding of a kink
 * can flip one unit between engines; per-map gradients are therefore compared by the median and
 * 90th percentile of their relative L2 error, and Integrated Gradients (which average over the
 * path) map by map.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type * as tfjs from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { syntheticDataset } from '../../../../test/support/synthetic-maps.ts';
import { buildModelInput } from '../../../maps/model-input.ts';
import { planSurvey } from '../../../survey/index.ts';
import { initBackend } from '../../backend.ts';
import { forwardLogit, type Tf } from '../../explain/attribution-forward.ts';
import { integratedGradients, integratedGradientsWith, medianCompletenessGap } from '../../explain/ig.ts';
import { artifactsToModel, resolveModelDir } from '../../store.ts';
import { buildModel } from '../../train/network.ts';
import { mcDropout, mcDropoutFromLogits } from '../uncertainty.ts';
import { OnnxEngine } from './engine.ts';
import { extractChain } from './export.ts';
import { openServingEngine } from './serving.ts';

const modelsDir = fileURLToPath(new URL('../../../../models/', import.meta.url));
const champion = JSON.parse(readFileSync(`${modelsDir}champion.json`, 'utf8')) as { version: string };

let tf: Tf;
let model: tfjs.LayersModel;
let engine: OnnxEngine;
let maps: Float32Array[];
/** One-channel maps for the velocity-only variants built in the tests. */
let velocityMaps: Float32Array[];
let stacked: Float32Array;

/**
 * Inputs the model reads: for a velocity-only model, rotating discs and slow rotators in km/s, 0
 * outside the bundle; for the two-channel champion, mock galaxies through the same normalisation
 * as training and serving (src/maps/model-input.ts).
 */
function testMaps(n: number, seed: number, channels = 1): Float32Array[] {
  if (channels === 1) return syntheticDataset(n, seed, 0.4).inputs;
  const out: Float32Array[] = [];
  for (const g of planSurvey({ family: 'analytic', n, seed, slowFraction: 0.4, unknown: 0 }))
    out.push(buildModelInput(g.galaxy, 'velocity+dispersion').input);
  return out;
}

/** Channels of a stacked batch of n maps of 40 × 40. */
const channelsOf = (x: Float32Array, n: number) => x.length / (n * 1600);

function stack(xs: Float32Array[]): Float32Array {
  const out = new Float32Array(xs.length * xs[0].length);
  xs.forEach((x, i) => {
    out.set(x, i * x.length);
  });
  return out;
}

function tfjsLogits(m: tfjs.LayersModel, x: Float32Array, n: number): Float32Array {
  return tf.tidy(
    () => forwardLogit(tf, m, tf.tensor4d(x, [n, 40, 40, channelsOf(x, n)])).dataSync() as Float32Array,
  );
}

function tfjsGradients(m: tfjs.LayersModel, x: Float32Array, n: number): Float32Array {
  return tf.tidy(
    () =>
      tf
        .grad((z: tfjs.Tensor) => forwardLogit(tf, m, z).sum())(tf.tensor4d(x, [n, 40, 40, channelsOf(x, n)]))
        .dataSync() as Float32Array,
  );
}

/**
 * Relative L2 error of `a` against `b` for each of `n` rows, sorted; only where `where` (when
 * given) is non-zero.
 */
function rowErrors(a: Float32Array, b: Float32Array, n: number, where?: Float32Array): number[] {
  const size = a.length / n;
  const out: number[] = [];
  for (let r = 0; r < n; r++) {
    let num = 0;
    let den = 0;
    for (let j = r * size; j < (r + 1) * size; j++) {
      if (where && where[j] === 0) continue;
      num += (a[j] - b[j]) ** 2;
      den += b[j] ** 2;
    }
    out.push(Math.sqrt(num / Math.max(den, 1e-30)));
  }
  return out.sort((x, y) => x - y);
}

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

beforeAll(async () => {
  tf = (await initBackend(undefined, { log: () => {} })).tf;
  const { artifacts } = await resolveModelDir(`${modelsDir}${champion.version}`);
  model = await artifactsToModel(tf, artifacts);
  engine = await OnnxEngine.fromModel(model, { chunk: 16 });
  maps = testMaps(40, 7, (model.inputs[0].shape[3] as number | null) ?? 1);
  stacked = stack(maps);
  velocityMaps = testMaps(40, 7, 1);
}, 60_000);

describe('OnnxEngine on the bundled champion (Table 1)', () => {
  it('folds every BatchNormalization and keeps the Dropout head out of the trunk', () => {
    const chain = extractChain(model);
    expect(chain.steps.map((s) => s.kind)).toEqual([
      'conv',
      'pool',
      'conv',
      'pool',
      'conv',
      'pool',
      'flatten',
      'dense',
      'dense',
      'dense',
    ]);
    expect(chain.featureUnits).toBe(96);
    expect(chain.head.map((l) => l.kind)).toEqual(['dropout', 'dense', 'dropout', 'dense']);
  });

  it('gives the logits of TensorFlow.js to 1e-5', async () => {
    const ref = tfjsLogits(model, stacked, maps.length);
    const { logits, features } = await engine.forwardPass(stacked, maps.length);
    for (let i = 0; i < maps.length; i++)
      expect(Math.abs(logits[i] - ref[i])).toBeLessThan(1e-5 * Math.max(1, Math.abs(ref[i])));
    expect(features).toHaveLength(maps.length * 96);
    // The champion separates the two kinds: the logits are not all alike.
    expect(Math.max(...ref) - Math.min(...ref)).toBeGreaterThan(1);
  });

  it('MC dropout on the head alone equals MC dropout through the whole tfjs network', async () => {
    const passes = 12;
    const ref = await mcDropout(tf, model, maps.slice(0, 10), { passes, seed: 3 });
    const ours = mcDropoutFromLogits(
      await engine.mcDropoutLogits(stack(maps.slice(0, 10)), 10, passes, 3),
      10,
      passes,
    );
    ours.forEach((u, i) => {
      expect(u.passes).toBe(passes);
      expect(u.mean).toBeCloseTo(ref[i].mean, 5);
      expect(u.std).toBeCloseTo(ref[i].std, 5);
    });
    expect(ours.some((u) => u.std > 1e-4)).toBe(true);
  });

  it('gives the input gradients of TensorFlow.js wherever the map has signal', async () => {
    // Outside the bundle the map is 0, the first convolution outputs its bias there and MaxPool
    // windows tie: TensorFlow sends the gradient to the first tied cell, the ONNX graph to all of
    // them. Both are valid subgradients, and the attribution x·∂F/∂x is 0 there either way.
    const ours = await engine.inputGradients(stacked, maps.length);
    const errors = rowErrors(ours, tfjsGradients(model, stacked, maps.length), maps.length, stacked);
    expect(quantile(errors, 0.5)).toBeLessThan(1e-5);
    expect(quantile(errors, 0.9)).toBeLessThan(1e-3);
  });

  it('Integrated Gradients agree with the tfjs path and keep the median completeness gap < 1 %', async () => {
    const few = maps.slice(0, 8);
    const ours = await integratedGradientsWith(engine, few, { steps: 16 });
    const ref = await integratedGradients(tf, model, few, { steps: 16 });
    const errors: number[] = [];
    for (let i = 0; i < few.length; i++) {
      expect(Math.abs(ours[i].logit - ref[i].logit)).toBeLessThan(1e-5 * Math.max(1, Math.abs(ref[i].logit)));
      errors.push(rowErrors(ours[i].attribution, ref[i].attribution, 1)[0]);
    }
    // Along the path some pre-activations pass within rounding of a ReLU kink at a node, so a few
    // gradients differ by a unit; the integral keeps that to well under 1 %.
    errors.sort((a, b) => a - b);
    expect(quantile(errors, 0.5)).toBeLessThan(1e-3);
    expect(errors[errors.length - 1]).toBeLessThan(1e-2);
    const withRefinement = await integratedGradientsWith(engine, few);
    expect(medianCompletenessGap(withRefinement)).toBeLessThan(0.01);
  });
});

describe('the IG path graph', () => {
  it("gives the per-node graph's path gradient, running the first block once per map", async () => {
    const few = stack(maps.slice(0, 6));
    const nodes = Float32Array.from([0.05, 0.3, 0.62, 1]);
    const weights = Float32Array.from([0.2, 0.3, 0.25, 0.25]);
    const path = await engine.pathGradients?.(few, 6, nodes, weights, 7);
    expect(path).toBeDefined();
    const expected = new Float32Array(6 * maps[0].length);
    for (let k = 0; k < nodes.length; k++) {
      const g = await engine.inputGradients(
        few.map((v) => v * nodes[k]),
        6,
      );
      for (let j = 0; j < g.length; j++) expected[j] += weights[k] * g[j];
    }
    const errors = rowErrors(path as Float32Array, expected, 6);
    expect(errors[errors.length - 1]).toBeLessThan(1e-4);
  });

  it('is left out when the model does not open with Conv → ReLU → MaxPool', async () => {
    const linearFirst = tf.sequential({
      layers: [
        tf.layers.conv2d({ inputShape: [40, 40, 1], filters: 4, kernelSize: 3, activation: 'linear' }),
        tf.layers.maxPooling2d({ poolSize: 2 }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 1, activation: 'sigmoid' }),
      ],
    });
    const e = await OnnxEngine.fromModel(linearFirst);
    expect(e.pathGradients).toBeUndefined();
    const ig = await integratedGradientsWith(e, velocityMaps.slice(0, 2), { steps: 8 });
    expect(ig[0].steps).toBe(8);
    await e.dispose();
    linearFirst.dispose();
  });
});

describe('the exporter on tuner variants', () => {
  it('5 conv blocks: same padding below the kernel size and an unfolded BatchNormalization', async () => {
    const variant = buildModel(tf, { convFilters: [16, 16, 32, 32, 32], denseUnits: [8], seed: 5 });
    randomiseBatchNorm(variant);
    const chain = extractChain(variant);
    expect(chain.steps.some((s) => s.kind === 'affine')).toBe(true);
    expect(chain.steps.some((s) => s.kind === 'conv' && s.pads.some((p) => p > 0))).toBe(true);
    await expectAgreement(variant);
  });

  it('no Dropout head (rate 0 layers still count) and an odd pool on the first block', async () => {
    const variant = buildModel(tf, {
      inputSize: 40,
      convFilters: [8, 16],
      kernelSize: 4,
      denseUnits: [],
      dropout: 0,
      seed: 9,
    });
    randomiseBatchNorm(variant);
    await expectAgreement(variant);
  });

  async function expectAgreement(variant: tfjs.LayersModel): Promise<void> {
    const e = await OnnxEngine.fromModel(variant);
    try {
      const x = stack(velocityMaps.slice(0, 12));
      const ref = tfjsLogits(variant, x, 12);
      const ours = await e.logits(x, 12);
      for (let i = 0; i < 12; i++)
        expect(Math.abs(ours[i] - ref[i])).toBeLessThan(1e-5 * Math.max(1, Math.abs(ref[i])));
      const errors = rowErrors(await e.inputGradients(x, 12), tfjsGradients(variant, x, 12), 12);
      expect(quantile(errors, 0.5)).toBeLessThan(1e-4);
      // IG through the path graph (when the variant opens with Conv → ReLU → MaxPool) and tfjs.
      const few = velocityMaps.slice(0, 4);
      const igOurs = await integratedGradientsWith(e, few, { steps: 12 });
      const igRef = await integratedGradients(tf, variant, few, { steps: 12 });
      for (let i = 0; i < few.length; i++)
        expect(rowErrors(igOurs[i].attribution, igRef[i].attribution, 1)[0]).toBeLessThan(1e-2);
    } finally {
      await e.dispose();
      variant.dispose();
    }
  }
});

/** Moving statistics and affine terms far from the identity, so folding mistakes show. */
function randomiseBatchNorm(m: tfjs.LayersModel): void {
  let seed = 11;
  for (const layer of m.layers) {
    if (layer.getClassName() !== 'BatchNormalization') continue;
    const [gamma, beta, mean, variance] = layer.getWeights();
    layer.setWeights([
      tf.randomUniform(gamma.shape, 0.5, 1.5, 'float32', seed++),
      tf.randomNormal(beta.shape, 0, 0.3, 'float32', seed++),
      tf.randomNormal(mean.shape, 0, 0.3, 'float32', seed++),
      tf.randomUniform(variance.shape, 0.5, 2, 'float32', seed++),
    ]);
  }
}

describe('openServingEngine', () => {
  it('serves with ONNX Runtime on auto, and leaves tfjs and the GPU backend alone', async () => {
    const lines: string[] = [];
    const auto = await openServingEngine(model, 'auto', 'tensorflow', (l) => lines.push(l));
    expect(auto).toBeInstanceOf(OnnxEngine);
    await auto?.dispose();
    expect(lines.join('\n')).toMatch(/onnxruntime/);
    expect(await openServingEngine(model, 'tfjs', 'tensorflow')).toBeUndefined();
    expect(await openServingEngine(model, 'auto', 'tensorflow-gpu')).toBeUndefined();
  });

  it('falls back to tfjs on auto and throws on onnx when the model does not export', async () => {
    const seq = tf.sequential({
      layers: [
        tf.layers.flatten({ inputShape: [40, 40, 1] }),
        tf.layers.dense({ units: 1, activation: 'tanh' }),
      ],
    });
    const lines: string[] = [];
    expect(await openServingEngine(seq, 'auto', 'tensorflow', (l) => lines.push(l))).toBeUndefined();
    expect(lines[0]).toMatch(/TensorFlow\.js.*activation 'tanh'/);
    await expect(openServingEngine(seq, 'onnx', 'tensorflow')).rejects.toThrow(/tanh/);
    seq.dispose();
  });
});
