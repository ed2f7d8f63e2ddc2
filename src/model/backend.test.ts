import { describe, expect, it } from 'vitest';
import {
  BACKEND_ORDER,
  BackendError,
  initBackend,
  parseBackendPreference,
  parseNativeKernels,
} from './backend.ts';

describe('initBackend', () => {
  it('parses GALSPIN_BACKEND values and rejects unknown names', () => {
    expect(parseBackendPreference('AUTO')).toBe('auto');
    expect(parseBackendPreference(' wasm ')).toBe('wasm');
    expect(() => parseBackendPreference('cuda')).toThrow(BackendError);
    expect(parseNativeKernels(undefined)).toBe(true);
    expect(parseNativeKernels(' OFF ')).toBe(false);
    expect(() => parseNativeKernels('fast')).toThrow(/GALSPIN_NATIVE_KERNELS=fast: expected on or off/);
  });

  it('auto picks the best available backend in the documented order and logs it', async () => {
    const lines: string[] = [];
    const b = await initBackend('auto', { log: (l) => lines.push(l) });
    expect(BACKEND_ORDER).toContain(b.name);
    expect(b.tf.getBackend()).toBe(b.name === 'tensorflow-gpu' ? 'tensorflow' : b.name);
    // Everything better than the chosen backend was tried and recorded with a reason.
    expect(b.skipped.map((s) => s.name)).toEqual(BACKEND_ORDER.slice(0, BACKEND_ORDER.indexOf(b.name)));
    expect(lines.join('\n')).toContain(`backend ${b.name}`);
  });

  it('switches to an explicitly named backend, and wasm can take a conv-filter gradient', async () => {
    const b = await initBackend('wasm', { log: () => {} });
    expect(b.name).toBe('wasm');
    const { tf } = b;
    const g = tf.tidy(() => {
      const x = tf.ones([1, 4, 4, 1]) as import('@tensorflow/tfjs').Tensor4D;
      return tf.grad((w) => tf.conv2d(x, w as import('@tensorflow/tfjs').Tensor4D, 1, 'valid').sum())(
        tf.ones([3, 3, 1, 1]),
      );
    });
    // Each kernel tap sees a 2×2 output of ones over an all-ones input: gradient 4 everywhere.
    expect(Array.from(g.dataSync())).toEqual(new Array(9).fill(4));
    g.dispose();
    const cpu = await initBackend('cpu', { log: () => {} });
    expect(cpu.tf.getBackend()).toBe('cpu');
    await initBackend('wasm', { log: () => {} });
  });
});
