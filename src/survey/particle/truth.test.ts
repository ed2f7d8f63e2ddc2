import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../maps/random.ts';
import { drawModel, samplePositions } from './models.ts';
import { projectPositions, randomRotation } from './project.ts';
import { ellipsoidProjection, measureProjectedShape, quickselect } from './truth.ts';

describe('particle photometric truth', () => {
  it('quickselect returns the k-th smallest', () => {
    const rng = mulberry32(1);
    const a = Float64Array.from({ length: 1001 }, () => rng.next());
    const sorted = a.slice().sort();
    for (const k of [0, 17, 500, 1000]) expect(quickselect(a.slice(), k)).toBe(sorted[k]);
  });

  it('recovers ε, PA and the half-light radius of a 2-D Gaussian cloud', () => {
    const rng = mulberry32(2);
    const n = 40000;
    const q = 0.6;
    const pa = 30; // major axis direction (−sin PA, cos PA)
    const t = (pa * Math.PI) / 180;
    const X = new Float64Array(n);
    const Y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const u = rng.normal();
      const w = q * rng.normal();
      X[i] = -u * Math.sin(t) - w * Math.cos(t);
      Y[i] = u * Math.cos(t) - w * Math.sin(t);
    }
    const s = measureProjectedShape(X, Y);
    expect(s.ellipticity).toBeCloseTo(1 - q, 1.5);
    expect(Math.abs(s.paDeg - pa)).toBeLessThan(2);
    // half the light of a 2-D Gaussian lies inside √(2 ln 2) σ
    expect(s.re).toBeCloseTo(Math.sqrt(2 * Math.LN2), 1.5);
  });

  it('the stars’ measured shape matches the exact projected ellipsoid for random views', () => {
    const rng = mulberry32(3);
    const model = drawModel('triaxial', 4, 150, 4, rng);
    const pos = samplePositions(model, 50000, rng);
    const X = new Float64Array(pos.n);
    const Y = new Float64Array(pos.n);
    for (let k = 0; k < 5; k++) {
      const R = randomRotation(rng);
      projectPositions(pos, R, X, Y);
      const exact = ellipsoidProjection(R, model.p, model.q);
      const measured = measureProjectedShape(X, Y);
      expect(Math.abs(measured.ellipticity - exact.ellipticity)).toBeLessThan(0.03);
      if (exact.ellipticity > 0.1) {
        const d = Math.abs(((measured.thetaRad - exact.thetaRad) * 180) / Math.PI) % 180;
        expect(Math.min(d, 180 - d)).toBeLessThan(5);
      }
    }
  });
});
