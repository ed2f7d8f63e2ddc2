import { afterAll, describe, expect, it } from 'vitest';
import { type BackendName, initBackend } from './backend.ts';
import { buildModel, logitModel } from './train/network.ts';

/**
 * The same Table 1 model (weights copied as numbers) must give the same logits and the same
 * conv1-kernel gradient on every backend that starts here. Tolerances: float32 with different
 * accumulation orders (libtensorflow/oneDNN, XNNPACK, plain JS loops) through 3 conv blocks and a
 * 2304-wide dense layer: logits agree within 1e-3 absolute + 1e-3 relative, gradients within 2e-3 of
 * their largest magnitude.
 */
const LOGIT_TOL = 1e-3;
const GRAD_TOL = 2e-3;

function inputs(n: number): Float32Array {
  const out = new Float32Array(n * 1600);
  for (let i = 0; i < n; i++) {
    for (let r = 0; r < 40; r++) {
      for (let c = 0; c < 40; c++) {
        // A rotating disc along a different position angle per map, plus a little structure.
        const a = (i * Math.PI) / 5;
        const x = (c - 19.5) / 10;
        const y = (r - 19.5) / 10;
        const rr = Math.hypot(x, y);
        out[i * 1600 + r * 40 + c] =
          rr < 1.8 ? Math.tanh((x * Math.cos(a) + y * Math.sin(a)) * 2) * 0.8 + 0.05 * Math.sin(r * c) : 0;
      }
    }
  }
  return out;
}

interface Run {
  name: BackendName;
  logits: Float32Array;
  grad: Float32Array;
}

const runs: Run[] = [];
let weights: { shape: number[]; values: Float32Array }[] | undefined;

async function runOn(name: BackendName): Promise<Run | undefined> {
  let backend: Awaited<ReturnType<typeof initBackend>>;
  try {
    backend = await initBackend(name, { log: () => {} });
  } catch {
    return undefined; // not present on this machine (e.g. no native TensorFlow)
  }
  const { tf } = backend;
  const model = buildModel(tf, { seed: 5 });
  if (!weights) {
    weights = model.getWeights().map((w) => ({ shape: w.shape, values: w.dataSync() as Float32Array }));
  } else {
    model.setWeights(weights.map((w) => tf.tensor(w.values, w.shape)));
  }
  const logitNet = logitModel(tf, model);
  const n = 2;
  const x = tf.tensor4d(inputs(n), [n, 40, 40, 1]);
  const z = logitNet.predict(x) as ReturnType<typeof tf.tensor>;
  const logits = z.dataSync() as Float32Array;
  const y = tf.tensor2d([1, 0], [n, 1]);
  const kernel = model.getLayer('conv1').trainableWeights[0];
  const { grads, value } = tf.variableGrads(
    () =>
      tf.losses.sigmoidCrossEntropy(
        y,
        logitNet.apply(x, { training: false }) as ReturnType<typeof tf.tensor>,
      ),
    [kernel.read() as never],
  );
  const grad = Object.values(grads)[0].dataSync() as Float32Array;
  tf.dispose([x, z, y, value, ...Object.values(grads)]);
  model.dispose();
  return { name, logits: Float32Array.from(logits), grad: Float32Array.from(grad) };
}

describe('backends agree on the Table 1 model', () => {
  afterAll(async () => {
    await initBackend('auto', { log: () => {} });
  });

  // The pure-JS cpu backend takes ~10 s for this on an idle core; allow for a loaded CI machine.
  it('gives the same logits and conv1 gradient on every available backend', async () => {
    for (const name of ['tensorflow', 'wasm', 'cpu'] as BackendName[]) {
      const r = await runOn(name);
      if (r) runs.push(r);
    }
    // wasm and cpu ship with galspin, so at least two backends are always compared.
    expect(runs.length).toBeGreaterThanOrEqual(2);
    const [ref, ...others] = runs;
    const gradScale = Math.max(...Array.from(ref.grad, Math.abs));
    expect(gradScale).toBeGreaterThan(0);
    for (const o of others) {
      for (let i = 0; i < ref.logits.length; i++) {
        expect(Math.abs(o.logits[i] - ref.logits[i]), `${o.name} vs ${ref.name} logit ${i}`).toBeLessThan(
          LOGIT_TOL + LOGIT_TOL * Math.abs(ref.logits[i]),
        );
      }
      let maxErr = 0;
      for (let i = 0; i < ref.grad.length; i++) maxErr = Math.max(maxErr, Math.abs(o.grad[i] - ref.grad[i]));
      expect(maxErr / gradScale, `${o.name} vs ${ref.name} conv1 gradient`).toBeLessThan(GRAD_TOL);
    }
  }, 240_000);
});
