import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../backend.ts';

// Deterministic pseudo-random values so cpu and wasm see identical inputs.
function values(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 32 - 0.5;
  }
  return out;
}

/** d/dW of Σ(conv2d(x, W) · dy) = Conv2DBackpropFilter(x, dy). */
function filterGrad(backend: string, xs: number[], fs: number[], pad: 'valid' | 'same'): Float32Array {
  return tf.tidy(() => {
    const x = tf.tensor4d(
      values(
        xs.reduce((a, b) => a * b),
        11,
      ),
      xs as [number, number, number, number],
    );
    const w = tf.tensor4d(
      values(
        fs.reduce((a, b) => a * b),
        12,
      ),
      fs as [number, number, number, number],
    );
    const outShape = tf.conv2d(x, w, 1, pad).shape;
    const dy = tf.tensor(
      values(
        outShape.reduce((a, b) => a * b),
        13,
      ),
      outShape,
    );
    const g = tf.grad((ww) =>
      tf
        .conv2d(x, ww as tf.Tensor4D, 1, pad)
        .mul(dy)
        .sum(),
    )(w);
    if (tf.getBackend() !== backend) throw new Error(`expected ${backend}, running on ${tf.getBackend()}`);
    return g.dataSync() as Float32Array;
  });
}

// Tolerance: float32 sums of up to ~1.4k products of values in [-0.5, 0.5]; the two backends
// accumulate in different orders (XNNPACK vs naive loops), so allow 1e-4 absolute + 1e-4 relative.
const ATOL = 1e-4;
const RTOL = 1e-4;

describe('wasm Conv2DBackpropFilter', () => {
  beforeAll(async () => {
    await initBackend('wasm', { log: () => {} });
  });
  afterAll(async () => {
    await tf.setBackend('wasm');
  });

  for (const [xs, fs, pad] of [
    [[2, 10, 9, 3], [3, 3, 3, 5], 'valid'],
    [[4, 19, 19, 8], [3, 3, 8, 16], 'valid'],
    [[3, 7, 8, 2], [3, 3, 2, 4], 'same'],
    [[2, 6, 6, 1], [2, 2, 1, 3], 'same'],
  ] as [number[], number[], 'valid' | 'same'][]) {
    it(`matches the cpu backend for x ${xs.join('×')}, W ${fs.join('×')}, ${pad}`, async () => {
      await tf.setBackend('wasm');
      const wasm = filterGrad('wasm', [...xs], [...fs], pad);
      await tf.setBackend('cpu');
      const cpu = filterGrad('cpu', [...xs], [...fs], pad);
      await tf.setBackend('wasm');
      expect(wasm.length).toBe(fs.reduce((a, b) => a * b));
      let maxErr = 0;
      for (let i = 0; i < cpu.length; i++) {
        maxErr = Math.max(maxErr, Math.abs(wasm[i] - cpu[i]) - RTOL * Math.abs(cpu[i]));
      }
      expect(maxErr).toBeLessThan(ATOL);
      expect(cpu.some((v) => Math.abs(v) > 1e-2)).toBe(true);
    });
  }

  it('refuses strides other than 1 with a clear error', async () => {
    await tf.setBackend('wasm');
    expect(() =>
      tf.tidy(() => {
        const x = tf.ones([1, 6, 6, 1]) as tf.Tensor4D;
        return tf.grad((w) => tf.conv2d(x, w as tf.Tensor4D, 2, 'valid').sum())(tf.ones([3, 3, 1, 1]));
      }),
    ).toThrow(/stride 1/);
  });

  it('does not leak wasm tensors', async () => {
    await tf.setBackend('wasm');
    filterGrad('wasm', [2, 8, 8, 2], [3, 3, 2, 2], 'same');
    const before = tf.memory().numTensors;
    const bytesBefore = tf.memory().numBytes;
    for (let i = 0; i < 3; i++) filterGrad('wasm', [2, 8, 8, 2], [3, 3, 2, 2], 'same');
    expect(tf.memory().numTensors).toBe(before);
    expect(tf.memory().numBytes).toBe(bytesBefore);
  });
});
