import type * as tfjs from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  buildToyModel,
  seededRandom,
  toyDataset,
  toyVelocityMap,
  trainOnToyMaps,
} from '../../../test/support/attribution-testkit.ts';
import { initBackend } from '../backend.ts';
import { AttributionModelError, type Tf } from './attribution-forward.ts';
import { IG_DEFAULTS, integratedGradients, medianCompletenessGap } from './ig.ts';

let tf: Tf;
let model: tfjs.LayersModel;
let trainAccuracy: number;

beforeAll(async () => {
  ({ tf } = await initBackend(process.env.GALSPIN_BACKEND ?? 'auto', { log: () => {} }));
  model = buildToyModel(tf, 1);
  trainAccuracy = await trainOnToyMaps(tf, model, toyDataset(240, 1), 8);
}, 240_000);

describe('integratedGradients on a trained reduced Table 1 model', () => {
  it('learned the toy task (otherwise the checks below mean little)', () => {
    expect(trainAccuracy).toBeGreaterThan(0.9);
  });

  it('meets completeness: median gap < 1 % with the default rule and steps, and leaks no tensors', async () => {
    const maps = toyDataset(24, 2).map((m) => m.input);
    const before = tf.memory().numTensors;
    const results = await integratedGradients(tf, model, maps);
    expect(tf.memory().numTensors).toBe(before);
    expect(results).toHaveLength(24);
    const median = medianCompletenessGap(results);
    expect(median).toBeLessThan(0.01);
    for (const r of results) {
      expect(r.attribution).toHaveLength(1600);
      expect(Math.abs(r.logit - r.baselineLogit)).toBeGreaterThan(0);
      expect(r.completenessGap).toBeCloseTo(
        Math.abs(r.attributionSum - (r.logit - r.baselineLogit)) / Math.abs(r.logit - r.baselineLogit),
        9,
      );
    }
    // The logit really is pre-sigmoid: sigmoid(logit) is the model's probability.
    const p = tf.tidy(() => model.predict(tf.tensor4d(maps[0], [1, 40, 40, 1])) as tfjs.Tensor).dataSync()[0];
    expect(1 / (1 + Math.exp(-results[0].logit))).toBeCloseTo(p, 4);
  });

  it('Gauss–Legendre beats the right Riemann sum at the same number of steps', async () => {
    const maps = toyDataset(16, 3).map((m) => m.input);
    const steps = IG_DEFAULTS.steps;
    const gl = medianCompletenessGap(
      await integratedGradients(tf, model, maps, { steps, rule: 'gauss-legendre' }),
    );
    const rs = medianCompletenessGap(await integratedGradients(tf, model, maps, { steps, rule: 'riemann' }));
    expect(gl).toBeLessThan(rs);
  });

  it('refines maps above the tolerance with doubled steps, up to maxSteps', async () => {
    const maps = toyDataset(12, 10).map((m) => m.input);
    const coarse = await integratedGradients(tf, model, maps, { steps: 4 });
    expect(coarse.every((r) => r.steps === 4)).toBe(true);
    const above = coarse.filter((r) => r.completenessGap > 0.01).length;
    expect(above).toBeGreaterThan(0);
    const refined = await integratedGradients(tf, model, maps, { steps: 4, tolerance: 0.01, maxSteps: 256 });
    for (const r of refined) expect(r.completenessGap <= 0.01 || r.steps === 256).toBe(true);
    expect(refined.filter((r) => r.steps > 4).length).toBe(above);
  });

  it('does not depend on how the (map, step) pairs are chunked', async () => {
    const maps = toyDataset(3, 4).map((m) => m.input);
    const a = await integratedGradients(tf, model, maps, { steps: 8, chunk: 5 });
    const b = await integratedGradients(tf, model, maps, { steps: 8, chunk: 64 });
    for (let m = 0; m < 3; m++) {
      expect(a[m].logit).toBeCloseTo(b[m].logit, 5);
      let maxDiff = 0;
      for (let j = 0; j < 1600; j++)
        maxDiff = Math.max(maxDiff, Math.abs(a[m].attribution[j] - b[m].attribution[j]));
      expect(maxDiff).toBeLessThan(1e-4);
    }
  });

  it('puts the attribution of a pure-rotation map on its rotating region', async () => {
    const rand = seededRandom(99);
    // A rotating inner disc (r ≤ 7 px) inside a wider valid field (r ≤ 17 px) of noise only.
    const maps = Array.from({ length: 6 }, () =>
      toyVelocityMap(rand, { rotating: true, rotatingRadius: 7, fieldRadius: 17 }),
    );
    const results = await integratedGradients(
      tf,
      model,
      maps.map((m) => m.input),
    );
    const shares = maps.map((map, i) => {
      let inside = 0;
      let total = 0;
      let areaInside = 0;
      let areaValid = 0;
      for (let j = 0; j < 1600; j++) {
        const a = Math.abs(results[i].attribution[j]);
        total += a;
        if (map.rotating[j]) inside += a;
        areaInside += map.rotating[j];
        areaValid += map.valid[j];
      }
      // The rotating disc is ~17 % of the valid area but carries most of the |IG| mass: at least
      // three times its share of the area on every map, and over 60 % of it on average.
      expect(areaInside / areaValid).toBeLessThan(0.2);
      expect(inside / total).toBeGreaterThan((3 * areaInside) / areaValid);
      return inside / total;
    });
    expect(shares.reduce((a, b) => a + b, 0) / shares.length).toBeGreaterThan(0.6);
  });
});

describe('integratedGradients, exact cases', () => {
  it('is exact for a linear logit: IGᵢ = xᵢ wᵢ whatever the rule', async () => {
    const lin = tf.sequential();
    lin.add(tf.layers.flatten({ inputShape: [4, 4, 1] }));
    lin.add(tf.layers.dense({ units: 1, activation: 'sigmoid' }));
    const w = Float32Array.from({ length: 16 }, (_, i) => (i - 7.5) / 10);
    lin.setWeights([tf.tensor2d(w, [16, 1]), tf.tensor1d([0.3])]);
    const x = Float32Array.from({ length: 16 }, (_, i) => Math.sin(i));
    for (const rule of ['riemann', 'trapezoid', 'gauss-legendre'] as const) {
      const [r] = await integratedGradients(tf, lin, [x], { rule, steps: 3 });
      expect(r.baselineLogit).toBeCloseTo(0.3, 5);
      for (let i = 0; i < 16; i++) expect(r.attribution[i]).toBeCloseTo(x[i] * w[i], 5);
      expect(r.completenessGap).toBeLessThan(1e-5);
    }
    lin.dispose();
  });

  it('rejects inputs of the wrong length and multi-output models with a clear error', async () => {
    await expect(integratedGradients(tf, model, [new Float32Array(10)])).rejects.toThrow(
      /input 0 has 10 values, the model expects 1600/,
    );
    const inp = tf.input({ shape: [4] });
    const two = tf.model({
      inputs: inp,
      outputs: tf.layers.dense({ units: 2 }).apply(inp) as tfjs.SymbolicTensor,
    });
    await expect(integratedGradients(tf, two, [new Float32Array(4)])).rejects.toThrow(AttributionModelError);
    expect(await integratedGradients(tf, model, [])).toEqual([]);
  });
});
