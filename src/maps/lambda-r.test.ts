import { describe, expect, it } from 'vitest';
import { lambdaR, measureKinematics } from './lambda-r.ts';
import { ellipseFromMoments, halfLightRadius } from './photometry.ts';

const W = 81;
const C = 40;

function planes(vel: (x: number, y: number) => number, sig: (x: number, y: number) => number) {
  const velocity = new Float64Array(W * W);
  const dispersion = new Float64Array(W * W);
  for (let r = 0; r < W; r++) {
    for (let c = 0; c < W; c++) {
      velocity[r * W + c] = vel(c - C, r - C);
      dispersion[r * W + c] = sig(c - C, r - C);
    }
  }
  return { width: W, height: W, velocity, dispersion };
}

const aperture = { xc: C, yc: C, ellipticity: 0, paDeg: 0, radiusPx: 30 };

describe('λR (Emsellem et al. 2007)', () => {
  it('is 0 for zero velocity', () => {
    expect(
      lambdaR(
        planes(
          () => 0,
          () => 150,
        ),
        aperture,
      ),
    ).toBe(0);
  });

  it('tends to 1 for pure rotation as σ → 0, and equals V/√(V²+σ²) for uniform |V|, σ', () => {
    const cold = planes(
      (x) => (x >= 0 ? 200 : -200),
      () => 1e-6,
    );
    expect(lambdaR(cold, aperture)).toBeCloseTo(1, 9);
    const warm = planes(
      (x) => (x >= 0 ? 100 : -100),
      () => 100,
    );
    expect(lambdaR(warm, aperture)).toBeCloseTo(1 / Math.SQRT2, 12);
    expect(measureKinematics(warm, aperture).vOverSigma).toBeCloseTo(1, 12);
  });

  it('matches a hand computation on a 3-spaxel map (flux and radius weights)', () => {
    // spaxels at R = 1, 2, 3 along the major axis (PA 0 → +y); everything else outside or invalid
    const w = 1;
    const h = 7;
    const velocity = new Float64Array([0, 0, 0, 0, 30, -40, 50]);
    const dispersion = new Float64Array([1, 1, 1, 1, 40, 30, 120]);
    const flux = new Float64Array([0, 0, 0, 0, 3, 2, 1]);
    const m = measureKinematics(
      { width: w, height: h, velocity, dispersion, flux },
      { xc: 0, yc: 3, ellipticity: 0, paDeg: 0, radiusPx: 3 },
    );
    const num = 3 * 1 * 30 + 2 * 2 * 40 + 1 * 3 * 50;
    const den = 3 * 1 * 50 + 2 * 2 * 50 + 1 * 3 * 130;
    expect(m.lambdaR).toBeCloseTo(num / den, 14);
    expect(m.vOverSigma).toBeCloseTo(
      Math.sqrt((3 * 900 + 2 * 1600 + 2500) / (3 * 1600 + 2 * 900 + 14400)),
      14,
    );
  });

  it('counts only spaxels inside the ellipse and reports coverage', () => {
    const p = planes(
      (x) => x,
      () => 100,
    );
    const valid = new Uint8Array(W * W).fill(1);
    for (let i = 0; i < valid.length; i += 2) valid[i] = 0;
    const m = measureKinematics({ ...p, valid }, { ...aperture, ellipticity: 0.5, paDeg: 90, radiusPx: 10 });
    expect(m.coverage).toBeGreaterThan(0.45);
    expect(m.coverage).toBeLessThan(0.55);
    // ellipse of a = 10, b = 5 has ≈ π·50 spaxel centres; half are valid
    expect(m.nSpaxels).toBeGreaterThan(70);
    expect(m.nSpaxels).toBeLessThan(90);
  });
});

describe('moment photometry', () => {
  it('recovers ε and PA of an elliptical Gaussian, and its half-light radius', () => {
    const eps = 0.4;
    const pa = 30;
    const sigmaMajor = 6;
    const flux = new Float64Array(W * W);
    const t = (pa * Math.PI) / 180;
    for (let r = 0; r < W; r++) {
      for (let c = 0; c < W; c++) {
        const x = c - C;
        const y = r - C;
        const u = -x * Math.sin(t) + y * Math.cos(t);
        const v = -x * Math.cos(t) - y * Math.sin(t);
        flux[r * W + c] = Math.exp(-0.5 * ((u / sigmaMajor) ** 2 + (v / (sigmaMajor * (1 - eps))) ** 2));
      }
    }
    const e = ellipseFromMoments(flux, W, W);
    expect(e.xc).toBeCloseTo(C, 6);
    expect(e.ellipticity).toBeCloseTo(eps, 3);
    expect(e.paDeg).toBeCloseTo(pa, 3);
    // half the light of a 2-D Gaussian lies within a = σ √(2 ln 2)
    expect(halfLightRadius(flux, W, W, e)).toBeCloseTo(sigmaMajor * Math.sqrt(2 * Math.LN2), 0);
  });
});
