import type * as tfjs from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildToyModel } from '../../../test/support/attribution-testkit.ts';
import { initBackend } from '../backend.ts';
import { chainOf, dropoutMask, forwardLogit, type Tf } from './attribution-forward.ts';

let tf: Tf;

beforeAll(async () => {
  ({ tf } = await initBackend(process.env.GALSPIN_BACKEND ?? 'auto', { log: () => {} }));
});

describe('forwardLogit', () => {
  it('matches the model: sigmoid(logit) = predict, and the input gradient equals the layers-API gradient', () => {
    const model = buildToyModel(tf, 4);
    expect(chainOf(model).tail).toBe('skip'); // buildModel ends with a sigmoid Activation layer
    const x = tf.randomNormal([3, 40, 40, 1], 0, 1, 'float32', 5);
    const p = tf.tidy(() => Array.from((model.predict(x) as tfjs.Tensor).dataSync()));
    const z = tf.tidy(() => Array.from(forwardLogit(tf, model, x).dataSync()));
    for (let i = 0; i < z.length; i++) expect(1 / (1 + Math.exp(-z[i]))).toBeCloseTo(p[i], 5);
    // Our unfused path vs tfjs-layers' fused path through the logit sub-model.
    const logitModel = tf.model({
      inputs: model.inputs,
      outputs: model.getLayer('logit').output as tfjs.SymbolicTensor,
    });
    const ours = tf.tidy(() =>
      tf
        .grad((v: tfjs.Tensor) => forwardLogit(tf, model, v).sum())(x)
        .dataSync(),
    );
    const theirs = tf.tidy(() =>
      tf
        .grad((v: tfjs.Tensor) => (logitModel.apply(v, { training: false }) as tfjs.Tensor).sum())(x)
        .dataSync(),
    );
    let maxDiff = 0;
    let maxAbs = 0;
    for (let i = 0; i < ours.length; i++) {
      maxDiff = Math.max(maxDiff, Math.abs(ours[i] - theirs[i]));
      maxAbs = Math.max(maxAbs, Math.abs(theirs[i]));
    }
    expect(maxAbs).toBeGreaterThan(0);
    expect(maxDiff / maxAbs).toBeLessThan(1e-4);
    x.dispose();
    model.dispose();
  });

  it('dropout masks: rate respected, scaled by 1/(1 − rate), independent of the batch offset', () => {
    const m = dropoutMask([200, 96], 0.4, 7, 0, 0);
    const zeros = m.filter((v) => v === 0).length / m.length;
    expect(zeros).toBeGreaterThan(0.36);
    expect(zeros).toBeLessThan(0.44);
    expect(new Set(m)).toEqual(new Set([0, Math.fround(1 / 0.6)]));
    // Row 50 of a batch starting at row 0 = row 0 of a batch starting at row 50.
    const later = dropoutMask([1, 96], 0.4, 7, 50, 0);
    expect(Array.from(m.subarray(50 * 96, 51 * 96))).toEqual(Array.from(later));
    expect(Array.from(dropoutMask([1, 96], 0.4, 7, 50, 1))).not.toEqual(Array.from(later));
  });
});
