import type * as tfjs from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildToyModel, toyDataset, trainOnToyMaps } from '../../../test/support/attribution-testkit.ts';
import { initBackend } from '../backend.ts';
import { sigmoid } from '../evaluate/calibration.ts';
import { logitsOf, stackInputs, type Tf } from '../explain/attribution-forward.ts';
import {
  DEFAULT_MC_PASSES,
  dihedralIndex,
  dihedralTransforms,
  mapSeed,
  mcDropout,
  mcDropoutFromLogits,
  predictiveUncertainty,
  testTimeAugmentation,
  UncertaintyError,
} from './uncertainty.ts';

let tf: Tf;
let model: tfjs.LayersModel;

function bnStatistics(m: tfjs.LayersModel): Float32Array[] {
  return m.layers
    .filter((l) => l.getClassName() === 'BatchNormalization')
    .flatMap((l) =>
      l
        .getWeights()
        .map((w) => w.dataSync() as Float32Array)
        .map((a) => Float32Array.from(a)),
    );
}

function predict(m: tfjs.LayersModel, maps: Float32Array[]): number[] {
  return tf.tidy(() =>
    Array.from(
      (
        m.predict(
          tf.tensor4d(Float32Array.from(maps.flatMap((x) => [...x])), [maps.length, 40, 40, 1]),
        ) as tfjs.Tensor
      ).dataSync(),
    ),
  );
}

beforeAll(async () => {
  ({ tf } = await initBackend(process.env.GALSPIN_BACKEND ?? 'auto', { log: () => {} }));
  model = buildToyModel(tf, 2);
  await trainOnToyMaps(tf, model, toyDataset(160, 5), 4);
}, 240_000);

describe('mcDropout', () => {
  it('really drops: passes differ, and BatchNormalization statistics are untouched', async () => {
    const maps = toyDataset(6, 6).map((m) => m.input);
    const bnBefore = bnStatistics(model);
    const deterministic = predict(model, maps);
    const before = tf.memory().numTensors;
    const est = await mcDropout(tf, model, maps, { passes: 20, seed: 3 });
    expect(tf.memory().numTensors).toBe(before);
    expect(est).toHaveLength(6);
    for (const e of est) {
      expect(e.passes).toBe(20);
      expect(e.method).toBe('mc-dropout');
      expect(e.mean).toBeGreaterThanOrEqual(0);
      expect(e.mean).toBeLessThanOrEqual(1);
    }
    // Dropout active: the probability spreads over passes for at least most maps.
    expect(est.filter((e) => e.std > 1e-6).length).toBeGreaterThanOrEqual(4);
    // Frozen BatchNorm: moving mean/variance and gamma/beta identical, and predict unchanged.
    const bnAfter = bnStatistics(model);
    expect(bnAfter.length).toBeGreaterThan(0);
    for (let i = 0; i < bnAfter.length; i++) expect(Array.from(bnAfter[i])).toEqual(Array.from(bnBefore[i]));
    expect(predict(model, maps)).toEqual(deterministic);
  });

  it('is reproducible for a seed and changes with it', async () => {
    const maps = toyDataset(4, 7).map((m) => m.input);
    const a = await mcDropout(tf, model, maps, { passes: 8, seed: 11 });
    const b = await mcDropout(tf, model, maps, { passes: 8, seed: 11, chunk: 5 });
    const c = await mcDropout(tf, model, maps, { passes: 8, seed: 12 });
    expect(a.map((e) => e.mean)).toEqual(b.map((e) => e.mean).map((v) => expect.closeTo(v, 6)));
    expect(a.some((e, i) => Math.abs(e.std - c[i].std) > 1e-9)).toBe(true);
  });

  it('refuses nonsense pass counts', async () => {
    await expect(mcDropout(tf, model, [new Float32Array(1600)], { passes: 0 })).rejects.toThrow(
      UncertaintyError,
    );
  });
});

describe('test-time augmentation', () => {
  it('dihedral transforms: four quarter turns are the identity, a flip twice too, and all 8 differ', () => {
    const size = 5;
    const x = Float32Array.from({ length: 25 }, (_, i) => i);
    const rot = dihedralIndex(size, 1, 1, false);
    let y = x;
    for (let t = 0; t < 4; t++) y = Float32Array.from(rot, (s) => y[s]);
    expect(Array.from(y)).toEqual(Array.from(x));
    // rot90 matches numpy.rot90 (counter-clockwise): out[r][c] = in[c][n-1-r].
    expect(Float32Array.from(rot, (s) => x[s])[0]).toBe(x[0 * size + 4]);
    const flips = dihedralTransforms(size);
    const keys = new Set(flips.map((f) => Array.from(f).join(',')));
    expect(keys.size).toBe(8);
  });

  it('a map symmetric under the square group has zero spread and the plain prediction', async () => {
    const sym = new Float32Array(1600);
    for (let r = 0; r < 40; r++)
      for (let c = 0; c < 40; c++) sym[r * 40 + c] = Math.exp(-((r - 19.5) ** 2 + (c - 19.5) ** 2) / 50);
    const asym = toyDataset(2, 8)[0].input;
    const before = tf.memory().numTensors;
    const [s, a] = await testTimeAugmentation(tf, model, [sym, asym]);
    expect(tf.memory().numTensors).toBe(before);
    expect(s.passes).toBe(8);
    expect(s.std).toBeLessThan(1e-5);
    expect(s.mean).toBeCloseTo(predict(model, [sym])[0], 5);
    expect(a.std).toBeGreaterThan(s.std);
  });

  it('"both" combines 8 views × passes', async () => {
    const [e] = await predictiveUncertainty(tf, model, [toyDataset(1, 9)[0].input], {
      method: 'both',
      passes: 3,
    });
    expect(e.passes).toBe(24);
    expect(e.method).toBe('both');
  });
});

describe('per-map dropout masks', () => {
  it('mapSeed depends on the values only: copies agree, −0 is 0, one changed value or the base seed changes it', () => {
    const x = toyDataset(1, 12)[0].input;
    const copy = Float32Array.from(x);
    expect(mapSeed(copy)).toBe(mapSeed(x));
    expect(mapSeed(x.subarray(0))).toBe(mapSeed(x));
    const zeros = new Float32Array(8);
    const negZeros = zeros.map(() => -0);
    expect(mapSeed(negZeros)).toBe(mapSeed(zeros));
    const changed = Float32Array.from(x);
    changed[777] += 1e-3;
    expect(mapSeed(changed)).not.toBe(mapSeed(x));
    expect(mapSeed(x, 2)).not.toBe(mapSeed(x, 1));
    expect(Number.isInteger(mapSeed(x))).toBe(true);
  });

  it('the same map gets identical passes alone, in a bigger batch, at another position, in other chunks', async () => {
    const maps = toyDataset(5, 13).map((m) => m.input);
    const target = maps[2];
    const alone = await mcDropout(tf, model, [target], { passes: 16, seed: 5 });
    const inBatch = await mcDropout(tf, model, maps, { passes: 16, seed: 5 });
    const reversed = await mcDropout(tf, model, [...maps].reverse(), { passes: 16, seed: 5 });
    const twice = await mcDropout(tf, model, [target, maps[0], target], { passes: 16, seed: 5 });
    expect(alone[0].std).toBeGreaterThan(1e-6);
    for (const e of [inBatch[2], reversed[2], twice[0], twice[2]]) {
      expect(e.mean).toBe(alone[0].mean);
      expect(e.std).toBe(alone[0].std);
    }
    // Smaller forward calls (other batch shapes) only move the float rounding.
    const chunked = await mcDropout(tf, model, maps, { passes: 16, seed: 5, chunk: 5 });
    expect(chunked[2].mean).toBeCloseTo(alone[0].mean, 6);
    expect(chunked[2].std).toBeCloseTo(alone[0].std, 6);
  });

  it('defaults to DEFAULT_MC_PASSES = 30 passes', async () => {
    expect(DEFAULT_MC_PASSES).toBe(30);
    const [e] = await mcDropout(tf, model, [toyDataset(1, 14)[0].input]);
    expect(e.passes).toBe(DEFAULT_MC_PASSES);
  });
});

describe('calibrated scale', () => {
  it('every pass goes through σ(z / T): with dropout off (TTA of a symmetric map) the mean is σ(z / T)', async () => {
    const sym = new Float32Array(1600);
    for (let r = 0; r < 40; r++)
      for (let c = 0; c < 40; c++) sym[r * 40 + c] = Math.exp(-((r - 19.5) ** 2 + (c - 19.5) ** 2) / 50);
    const [z] = await logitsOf(tf, model, stackInputs([sym], 1600), 1, 8);
    for (const T of [1, 0.5, 2.5]) {
      const [e] = await testTimeAugmentation(tf, model, [sym], { temperature: T });
      expect(e.mean).toBeCloseTo(sigmoid(z / T), 5);
    }
  });

  it('MC dropout with T: each pass σ(z_k / T), and the mean tracks σ(z / T) of the deterministic logit', async () => {
    const maps = toyDataset(8, 15).map((m) => m.input);
    const z = await logitsOf(tf, model, stackInputs(maps, 1600), maps.length, 8);
    const T = 1.7;
    const est = await mcDropout(tf, model, maps, { passes: 40, seed: 2, temperature: T });
    const raw = await mcDropout(tf, model, maps, { passes: 40, seed: 2 });
    est.forEach((e, i) => {
      expect(Math.abs(e.mean - sigmoid(z[i] / T))).toBeLessThan(0.15);
      // Same masks, other scale: a softer temperature pulls the mean toward 1/2.
      expect(Math.abs(e.mean - 0.5)).toBeLessThanOrEqual(Math.abs(raw[i].mean - 0.5) + 1e-12);
    });
  });

  it('mcDropoutFromLogits calibrates each pass', () => {
    const logits = Float32Array.from([2, 4, -1, 0]);
    const [a, b] = mcDropoutFromLogits(logits, 2, 2, 2);
    expect(a.mean).toBeCloseTo((sigmoid(1) + sigmoid(2)) / 2, 12);
    expect(b.mean).toBeCloseTo((sigmoid(-0.5) + sigmoid(0)) / 2, 12);
    expect(() => mcDropoutFromLogits(logits, 2, 2, 0)).toThrow(UncertaintyError);
  });
});
