import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../maps/random.ts';
import {
  type AffineDraw,
  applyTransform,
  augmentedEpoch,
  balancingOversample,
  drawTransform,
  PAPER_AUGMENTATION,
} from './augment.ts';

const N = 40;
const identity: AffineDraw = { angleRad: 0, shiftRow: 0, shiftCol: 0, zoomRow: 1, zoomCol: 1, flip: false };
const ramp = Float32Array.from({ length: N * N }, (_, i) => Math.floor(i / N) * 100 + (i % N));

describe('applyTransform', () => {
  it('is the identity for the identity transform', () => {
    expect(Array.from(applyTransform(ramp, N, identity))).toEqual(Array.from(ramp));
  });

  it('rotates by 90° exactly: out[r][c] = in[N-1-c][r]', () => {
    const out = applyTransform(ramp, N, { ...identity, angleRad: Math.PI / 2 });
    for (const [r, c] of [
      [0, 0],
      [5, 31],
      [39, 2],
      [20, 20],
    ]) {
      expect(out[r * N + c]).toBeCloseTo(ramp[(N - 1 - c) * N + r], 3);
    }
  });

  it('flips columns and shifts by whole pixels, filling with the nearest edge value', () => {
    const flipped = applyTransform(ramp, N, { ...identity, flip: true });
    expect(flipped[3 * N + 0]).toBe(ramp[3 * N + 39]);
    const shifted = applyTransform(ramp, N, { ...identity, shiftRow: 2, shiftCol: -3 });
    expect(shifted[10 * N + 10]).toBe(ramp[8 * N + 13]);
    // Rows 0-1 come from beyond the top edge: nearest fill repeats row 0.
    expect(shifted[0 * N + 10]).toBe(ramp[0 * N + 13]);
    expect(shifted[39 * N + 38]).toBe(ramp[37 * N + 39]);
  });

  it('nearest resampling only moves spaxel values (no smoothing of the noise); bilinear averages', () => {
    const noisy = Float32Array.from({ length: N * N }, (_, i) => (Math.sin(i * 12.9898) * 43758.5453) % 1);
    const t = { ...identity, angleRad: 0.37, zoomRow: 1.03, zoomCol: 1.01 };
    const values = new Set(Array.from(noisy));
    expect(Array.from(applyTransform(noisy, N, t)).every((v) => values.has(v))).toBe(true);
    const sd = (m: Float32Array) => {
      const mean = m.reduce((s, v) => s + v, 0) / m.length;
      return Math.sqrt(m.reduce((s, v) => s + (v - mean) ** 2, 0) / m.length);
    };
    expect(sd(applyTransform(noisy, N, { ...t, interpolation: 'bilinear' }))).toBeLessThan(0.9 * sd(noisy));
  });

  it('preserves a constant map and zooms out (a zoom > 1 shrinks the galaxy)', () => {
    const flat = new Float32Array(N * N).fill(7);
    expect(
      applyTransform(flat, N, { ...identity, angleRad: 1.1, zoomRow: 1.05, zoomCol: 1.03 }).every(
        (v) => Math.abs(v - 7) < 1e-5,
      ),
    ).toBe(true);
    const disc = Float32Array.from({ length: N * N }, (_, i) =>
      Math.hypot(Math.floor(i / N) - 19.5, (i % N) - 19.5) < 16 ? 1 : 0,
    );
    const area = (m: Float32Array) => m.reduce((s, v) => s + v, 0);
    expect(area(applyTransform(disc, N, { ...identity, zoomRow: 1.05, zoomCol: 1.05 }))).toBeLessThan(
      area(disc),
    );
  });
});

describe('drawTransform and augmentedEpoch', () => {
  it('draws within the paper ranges', () => {
    const rng = mulberry32(3);
    for (let i = 0; i < 500; i++) {
      const t = drawTransform(rng, PAPER_AUGMENTATION);
      expect(Math.abs(t.angleRad)).toBeLessThanOrEqual(2 * Math.PI);
      expect(Math.abs(t.shiftRow)).toBeLessThanOrEqual(4);
      expect(Number.isInteger(t.shiftCol)).toBe(true);
      expect(t.zoomRow).toBeGreaterThanOrEqual(1);
      expect(t.zoomCol).toBeLessThan(1.05);
    }
  });

  it('oversamples the minority class with independent augmentations', () => {
    const inputs = [ramp, ramp, ramp];
    const labels = [1, 1, 0];
    const over = balancingOversample([...new Array(70).fill(1), ...new Array(10).fill(0)]);
    expect(over).toEqual({ 1: 1, 0: 7 });
    const e = augmentedEpoch(inputs, labels, N, mulberry32(1), { oversample: over, augment: true });
    expect(e.labels).toEqual([1, 1, 0, 0, 0, 0, 0, 0, 0]);
    expect(e.source).toEqual([0, 1, 2, 2, 2, 2, 2, 2, 2]);
    expect(Array.from(e.inputs[3])).not.toEqual(Array.from(e.inputs[4]));
    const plain = augmentedEpoch(inputs, labels, N, mulberry32(1), { oversample: over, augment: false });
    expect(plain.inputs[4]).toBe(ramp);
  });
});
