import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../maps/random.ts';
import { binMoments, randomRotation, rollAndScale, rotationWithLineOfSight } from './project.ts';

const orthonormal = (R: Float64Array) => {
  for (let a = 0; a < 3; a++) {
    for (let b = 0; b < 3; b++) {
      const dot = R[3 * a] * R[3 * b] + R[3 * a + 1] * R[3 * b + 1] + R[3 * a + 2] * R[3 * b + 2];
      expect(dot).toBeCloseTo(a === b ? 1 : 0, 10);
    }
  }
  // right-handed: row0 × row1 = row2
  expect(R[1] * R[5] - R[2] * R[4]).toBeCloseTo(R[6], 10);
};

describe('particle projection', () => {
  it('rotations are proper and orthonormal; the line of sight is isotropic', () => {
    const rng = mulberry32(1);
    let cosSum = 0;
    let cos2Sum = 0;
    const n = 20000;
    for (let i = 0; i < n; i++) {
      const R = randomRotation(rng);
      if (i < 20) orthonormal(R);
      cosSum += R[8];
      cos2Sum += R[8] * R[8];
    }
    // isotropic: ⟨cos i⟩ = 0, ⟨cos² i⟩ = 1/3
    expect(Math.abs(cosSum / n)).toBeLessThan(0.02);
    expect(Math.abs(cos2Sum / n - 1 / 3)).toBeLessThan(0.01);
    const R = rotationWithLineOfSight([0, 2, 0]);
    orthonormal(R);
    expect([R[6], R[7], R[8]]).toEqual([0, 1, 0]);
  });

  it('bins stars to the nearest spaxel with their velocity moments, dropping those off the grid', () => {
    const X = Float64Array.of(0, 0.1, 1, 100);
    const Y = Float64Array.of(0, -0.1, 0, 0);
    const v = Float64Array.of(10, 20, 30, 40);
    rollAndScale(X, Y, 0, 1);
    const m = binMoments(X, Y, v, { width: 5, height: 5, pixelScaleArcsec: 0.5, xc: 2, yc: 2 });
    expect(m.light[2 * 5 + 2]).toBe(2);
    expect(m.lightV[2 * 5 + 2]).toBe(30);
    expect(m.lightV2[2 * 5 + 2]).toBe(500);
    expect(m.light[2 * 5 + 4]).toBe(1);
    expect(m.light.reduce((a, b) => a + b, 0)).toBe(3);
  });

  it('rolls the sky counter-clockwise', () => {
    const X = Float64Array.of(1);
    const Y = Float64Array.of(0);
    rollAndScale(X, Y, Math.PI / 2, 2);
    expect(X[0]).toBeCloseTo(0, 12);
    expect(Y[0]).toBeCloseTo(2, 12);
  });
});
