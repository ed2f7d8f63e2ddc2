import type * as tfjs from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend.ts';
import { nativeAdam } from './native-adam.ts';
import { probeOneDnnMaxPool } from './native-maxpool.ts';
import { nativeBackend, nativeTrainingActive, setNativeTraining } from './native-training.ts';
import { buildModel, compileModel } from './network.ts';

/**
 * The native training kernels must compute what tfjs's own code computes. Each test runs the same
 * work with them off (tfjs's composite ops) and on (ReluGrad, FusedBatchNormV3/GradV3,
 * ResourceApplyAdam) and compares. Tolerances are float32 round-off from different summation
 * orders: 1e-5 of the largest magnitude for one op, 2e-4 relative after several training steps of
 * the whole network.
 *
 * They need tfjs-node (scripts/setup-tfjs-native.sh builds it; CI always has it). Without it the
 * suite is skipped, except under CI, where a missing native backend is a failure.
 */
let tf: typeof tfjs;
let haveNative = false;
try {
  tf = (await initBackend('tensorflow', { log: () => {} })).tf;
  haveNative = true;
} catch (err) {
  if (process.env.CI) throw err;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): { diff: number; scale: number } {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(a[i]), Math.abs(b[i]));
  }
  return { diff, scale };
}

function expectClose(a: ArrayLike<number>, b: ArrayLike<number>, rel: number): void {
  expect(a.length).toBe(b.length);
  const { diff, scale } = maxAbsDiff(a, b);
  expect(diff).toBeLessThanOrEqual(rel * Math.max(scale, 1e-6));
}

/** The libtensorflow ops `work` runs, in order (its result is disposed). */
function opsRun(work: () => tfjs.Tensor | tfjs.Tensor[]): string[] {
  const b = nativeBackend(tf) as unknown as Record<string, (name: string, ...rest: unknown[]) => unknown>;
  const names: string[] = [];
  const methods = ['executeSingleOutput', 'executeMultipleOutputs'] as const;
  for (const m of methods) {
    const original = b[m];
    b[m] = (name: string, ...rest: unknown[]) => {
      names.push(name);
      return original.call(b, name, ...rest);
    };
  }
  try {
    tf.dispose(work());
  } finally {
    for (const m of methods) delete b[m];
  }
  return names;
}

/** Runs `work` with the native kernels off, then on; returns both results as plain arrays. */
function offThenOn<T>(work: () => T): [T, T] {
  setNativeTraining(tf, false);
  const off = work();
  setNativeTraining(tf, true, { oneDnn: true });
  const on = work();
  return [off, on];
}

describe.skipIf(!haveNative)('native training kernels (tfjs-node)', () => {
  beforeAll(() => {
    expect(nativeBackend(tf)).toBeDefined();
  });
  afterAll(() => {
    setNativeTraining(tf, true, { oneDnn: true });
  });

  it('switch on and off, and initBackend turns them on and names them in its log line', async () => {
    expect(setNativeTraining(tf, false)).toBe(false);
    expect(nativeTrainingActive(tf)).toBe(false);
    const lines: string[] = [];
    const b = await initBackend('tensorflow', { log: (l) => lines.push(l) });
    expect(b.nativeKernels).toBe(true);
    expect(nativeTrainingActive(tf)).toBe(true);
    // Re-initialising the current backend returns it without a new log line, honouring the switch.
    expect((await initBackend('tensorflow', { nativeKernels: false, log: () => {} })).nativeKernels).toBe(
      false,
    );
    expect(nativeTrainingActive(tf)).toBe(false);
    setNativeTraining(tf, true, { oneDnn: true });
  });

  it('Relu gradient: one ReluGrad kernel, the same values as dy·step(x), 0 at x = 0', () => {
    const x = tf.tensor1d([-2, -0.5, 0, 0, 1e-30, 0.5, 3, Number.NaN]);
    const dy = tf.tensor1d([1, 2, 3, 4, 5, 6, 7, 8]);
    const grad = () => {
      const g = tf.grad((t: tfjs.Tensor) => tf.mul(tf.relu(t), dy).sum())(x);
      const v = Array.from(g.dataSync());
      g.dispose();
      return v;
    };
    const [off, on] = offThenOn(grad);
    expect(on.slice(0, 7)).toEqual([0, 0, 0, 0, 5, 6, 7]);
    expect(on.slice(0, 7)).toEqual(off.slice(0, 7));
    // The kernels really changed: one ReluGrad instead of tfjs's Step chain.
    const [offOps, onOps] = offThenOn(() => opsRun(() => tf.grad((t: tfjs.Tensor) => tf.relu(t).sum())(x)));
    expect(onOps).toContain('ReluGrad');
    expect(onOps).not.toContain('Select');
    expect(offOps).not.toContain('ReluGrad');
    tf.dispose([x, dy]);
  });

  it('MaxPool gradient: oneDNN kernels on x86, identical to MaxPoolGrad, ties and odd sizes included', () => {
    const b = nativeBackend(tf);
    expect(b && probeOneDnnMaxPool(tf, b)).toBe(process.arch === 'x64');
    // With the kernels on, libtensorflow's MaxPoolGrad no longer runs.
    const probe = tf.ones([1, 4, 4, 1]) as tfjs.Tensor4D;
    const [offOps, onOps] = offThenOn(() =>
      opsRun(() => tf.grad((t: tfjs.Tensor) => tf.sum(tf.maxPool(t as tfjs.Tensor4D, 2, 2, 'valid')))(probe)),
    );
    expect(offOps).toContain('MaxPoolGrad');
    if (process.arch === 'x64') {
      expect(onOps).toContain('_MklNativeMaxPoolGrad');
      expect(onOps).not.toContain('MaxPoolGrad');
    }
    probe.dispose();
    const cases: {
      shape: [number, number, number, number];
      filter: number;
      stride: number;
      pad: 'valid' | 'same';
    }[] = [
      { shape: [4, 38, 38, 8], filter: 2, stride: 2, pad: 'valid' }, // Table 1's first pool
      { shape: [3, 17, 17, 5], filter: 2, stride: 2, pad: 'valid' }, // odd: the last row/column drop out
      { shape: [2, 9, 7, 3], filter: 3, stride: 2, pad: 'same' }, // overlapping windows, padding
    ];
    for (const { shape, filter, stride, pad } of cases) {
      // ReLU'd input: a third of the cells are 0, so many windows tie.
      const x = tf.relu(tf.randomNormal(shape, 0, 1, 'float32', 7));
      const w = tf.randomNormal(
        tf.maxPool(x as tfjs.Tensor4D, filter, stride, pad).shape,
        0,
        1,
        'float32',
        8,
      );
      const grad = () =>
        tf.tidy(() =>
          tf
            .grad((t: tfjs.Tensor) => tf.sum(tf.mul(tf.maxPool(t as tfjs.Tensor4D, filter, stride, pad), w)))(
              x,
            )
            .dataSync(),
        );
      const [off, on] = offThenOn(grad);
      // Non-overlapping windows route each gradient to one cell: bit-identical. Overlapping ones
      // sum contributions, possibly in another order.
      if (filter === stride) expect(Array.from(on)).toEqual(Array.from(off));
      else expectClose(on, off, 1e-6);
      expect(Array.from(on).filter((v) => v !== 0).length).toBeGreaterThan(0);
      tf.dispose([x, w]);
    }
  });

  it('BatchNormalization in training mode: output, all three gradients and the moving statistics', () => {
    const seed = 3;
    const x = tf.randomNormal([6, 5, 4, 8], 0.7, 2.5, 'float32', seed);
    const run = () => {
      const layer = tf.layers.batchNormalization({
        momentum: 0.9,
        gammaInitializer: tf.initializers.randomUniform({ minval: 0.5, maxval: 1.5, seed: seed + 1 }),
        betaInitializer: tf.initializers.randomUniform({ minval: -0.5, maxval: 0.5, seed: seed + 2 }),
      });
      layer.build(x.shape);
      const weights = tf.randomNormal(x.shape, 0, 1, 'float32', seed + 3);
      // A non-uniform upstream gradient, so dx is not trivially zero.
      const f = (xi: tfjs.Tensor) =>
        tf.sum(tf.mul(layer.apply(xi, { training: true }) as tfjs.Tensor, weights));
      const { value, grads } = tf.variableGrads(
        () => f(x) as tfjs.Scalar,
        layer.trainableWeights.map((w) => w.read() as tfjs.Variable),
      );
      const dx = tf.grad((xi: tfjs.Tensor) => f(xi))(x);
      const y = layer.apply(x, { training: false }) as tfjs.Tensor;
      const out = {
        loss: value.dataSync()[0],
        dx: dx.dataSync(),
        dGamma: grads[(layer.trainableWeights[0].read() as tfjs.Variable).name].dataSync(),
        dBeta: grads[(layer.trainableWeights[1].read() as tfjs.Variable).name].dataSync(),
        movingMean: layer.getWeights()[2].dataSync(),
        movingVariance: layer.getWeights()[3].dataSync(),
        inference: y.dataSync(),
      };
      tf.dispose([value, dx, y, weights, ...Object.values(grads)]);
      for (const w of layer.weights) w.dispose();
      return out;
    };
    const [off, on] = offThenOn(run);
    expect(Math.abs(on.loss - off.loss)).toBeLessThan(1e-4 * Math.max(1, Math.abs(off.loss)));
    expectClose(on.dx, off.dx, 1e-5);
    expectClose(on.dGamma, off.dGamma, 1e-5);
    expectClose(on.dBeta, off.dBeta, 1e-5);
    // The moving statistics moved (two updates: variableGrads and grad each ran the layer once).
    expectClose(on.movingMean, off.movingMean, 1e-5);
    expectClose(on.movingVariance, off.movingVariance, 1e-5);
    expect(Math.max(...Array.from(on.movingMean).map(Math.abs))).toBeGreaterThan(0.05);
    expectClose(on.inference, off.inference, 1e-5);
    x.dispose();
  });

  it('NativeAdam takes the steps tfjs Adam takes, honours weights written between steps, and round-trips its moments', async () => {
    const start = tf.randomNormal([40, 7], 0, 1, 'float32', 9).dataSync();
    const target = tf.randomNormal([40, 7], 0, 1, 'float32', 10);
    const optimise = (opt: tfjs.Optimizer) => {
      const w = tf.variable(tf.tensor2d(start, [40, 7]));
      const loss = () => tf.sum(tf.square(tf.sub(tf.mul(w, w), target))) as tfjs.Scalar;
      for (let i = 0; i < 5; i++) opt.minimize(loss, false, [w]);
      // A restore from a checkpoint between steps, as training does.
      w.assign(tf.mul(w, 0.5));
      for (let i = 0; i < 5; i++) opt.minimize(loss, false, [w]);
      const v = w.dataSync().slice();
      return { v, w };
    };
    const ref = optimise(tf.train.adam(0.01, 0.9, 0.999, 1e-7));
    const adam = nativeAdam(tf, 0.01, 0.9, 0.999, 1e-7);
    const mine = optimise(adam);
    expectClose(mine.v, ref.v, 1e-5);
    expect(maxAbsDiff(mine.v, start).diff).toBeGreaterThan(0.01);

    const saved = await adam.getWeights();
    expect(saved.map((s) => s.name)).toEqual(['iter', `${mine.w.name}/m`, `${mine.w.name}/v`]);
    const copy = nativeAdam(tf, 0.01, 0.9, 0.999, 1e-7);
    await copy.setWeights(saved);
    expect(copy.iterations).toBe(10);
    const again = await copy.getWeights();
    expectClose(again[1].tensor.dataSync(), saved[1].tensor.dataSync(), 0);
    expectClose(again[2].tensor.dataSync(), saved[2].tensor.dataSync(), 0);
    tf.dispose([target, ref.w, mine.w, ...saved.map((s) => s.tensor), ...again.map((s) => s.tensor)]);
    adam.dispose();
    copy.dispose();
  });

  it('Table 1: the same loss gradient for every weight with the native kernels on and off', () => {
    const n = 16;
    const xs = tf.randomNormal([n, 40, 40, 1], 0, 1, 'float32', 21);
    const ys = tf.cast(tf.greater(tf.randomUniform([n, 1], 0, 1, 'float32', 22), 0.5), 'float32');
    const gradients = () => {
      const model = buildModel(tf, { seed: 4, dropout: 0 });
      const vars = model.trainableWeights.map((w) => w.read() as tfjs.Variable);
      const { value, grads } = tf.variableGrads(
        () => tf.losses.logLoss(ys, model.apply(xs, { training: true }) as tfjs.Tensor) as tfjs.Scalar,
        vars,
      );
      const out = { loss: value.dataSync()[0], grads: vars.map((v) => grads[v.name].dataSync().slice()) };
      tf.dispose([value, ...Object.values(grads)]);
      model.dispose();
      return out;
    };
    const [off, on] = offThenOn(gradients);
    expect(Math.abs(on.loss - off.loss)).toBeLessThan(1e-5 * off.loss);
    // conv1, bn1, conv2, bn2, conv3, bn3, dense1, dense2, logit: kernel/bias or gamma/beta each.
    expect(on.grads.length).toBe(18);
    on.grads.forEach((g, i) => {
      expect(maxAbsDiff(g, new Float32Array(g.length)).diff).toBeGreaterThan(0);
      // Upstream of a max pool the gradient is discontinuous: a 1-ulp difference in a
      // BatchNormalization output can move a pool's argmax between two near-tied cells (this
      // input has one such window in pool2, 5e-7 apart), and a float64 reference sides with either
      // path by chance. So before the last pool compare in L2; after it, element by element.
      let d2 = 0;
      let s2 = 0;
      for (let j = 0; j < g.length; j++) {
        d2 += (g[j] - off.grads[i][j]) ** 2;
        s2 += off.grads[i][j] ** 2;
      }
      expect(Math.sqrt(d2 / s2)).toBeLessThan(2e-2);
      if (i >= 10) expectClose(g, off.grads[i], 1e-4);
    });
    tf.dispose([xs, ys]);
  });

  it('Table 1 trains on NativeAdam with a flat tensor count, and dispose() frees its state', async () => {
    const xs = tf.randomNormal([32, 40, 40, 1], 0, 1, 'float32', 23);
    const ys = tf.cast(tf.greater(tf.randomUniform([32, 1], 0, 1, 'float32', 24), 0.5), 'float32');
    const start = tf.memory().numTensors;
    const model = buildModel(tf, { seed: 4 });
    compileModel(tf, model);
    expect(model.optimizer.constructor.name).toBe('NativeAdam');
    const counts: number[] = [];
    for (let step = 0; step < 6; step++) {
      await model.trainOnBatch(xs, ys);
      counts.push(tf.memory().numTensors);
    }
    expect(new Set(counts.slice(1)).size).toBe(1);
    model.dispose();
    expect(tf.memory().numTensors).toBe(start);
    tf.dispose([xs, ys]);
  });
});
