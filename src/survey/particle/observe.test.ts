import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../maps/random.ts';
import {
  convolveImage,
  erf,
  noiseField,
  observe,
  pixelGaussian,
  SIGMA_INST_KMS,
  seeMoments,
} from './observe.ts';
import type { MomentMaps } from './project.ts';

const sum = (a: Float64Array) => a.reduce((s, x) => s + x, 0);

describe('particle observation', () => {
  it('erf is accurate', () => {
    expect(erf(0)).toBeCloseTo(0, 7);
    expect(erf(1)).toBeCloseTo(0.8427007929, 6);
    expect(erf(-2)).toBeCloseTo(-0.995322265, 6);
  });

  it('the PSF conserves total light and has the wanted width', () => {
    const w = 50;
    const img = new Float64Array(w * w);
    img[25 * w + 25] = 1;
    const rng = mulberry32(1);
    for (let r = 15; r < 35; r++) for (let c = 15; c < 35; c++) img[r * w + c] += rng.next();
    const k = pixelGaussian(2);
    expect(sum(k.weights)).toBeCloseTo(1, 12);
    const out = convolveImage(img, w, w, k);
    expect(sum(out)).toBeCloseTo(sum(img), 9);
    // a point source gets the variance σ² + 1/12 (pixel integration)
    const point = new Float64Array(w * w);
    point[25 * w + 25] = 1;
    const p = convolveImage(point, w, w, k);
    let v = 0;
    for (let c = 0; c < w; c++) v += p[25 * w + c] * (c - 25) ** 2;
    expect(v / sum(p.subarray(25 * w, 26 * w))).toBeCloseTo(4 + 1 / 12, 2);
    const m: MomentMaps = { width: w, height: w, light: img, lightV: img.map((x) => 3 * x), lightV2: img };
    const seen = seeMoments(m, 2, 0.5);
    expect(sum(seen.light)).toBeCloseTo(sum(img), 9);
    expect(sum(seen.lightV)).toBeCloseTo(3 * sum(img), 9);
  });

  it('correlated noise has unit variance and is correlated over its length', () => {
    const rng = mulberry32(2);
    let v = 0;
    let cov = 0;
    let count = 0;
    for (let t = 0; t < 60; t++) {
      const f = noiseField(50, 50, 2, rng);
      for (let r = 0; r < 50; r++) {
        for (let c = 0; c < 49; c++) {
          v += f[r * 50 + c] ** 2;
          cov += f[r * 50 + c] * f[r * 50 + c + 1];
          count++;
        }
      }
    }
    expect(Math.abs(v / count - 1)).toBeLessThan(0.08);
    // neighbours of a σ = 2 px smoothed field correlate by ≈ exp(−1/16) ≈ 0.94
    expect(cov / v).toBeGreaterThan(0.85);
  });

  const flat = (sn: number) => {
    const w = 50;
    const light = new Float64Array(w * w);
    for (let r = 0; r < w; r++)
      for (let c = 0; c < w; c++)
        light[r * w + c] = 100 * Math.exp(-((r - 24.5) ** 2 + (c - 24.5) ** 2) / 200);
    const m: MomentMaps = {
      width: w,
      height: w,
      light,
      lightV: light.map((x) => 50 * x),
      lightV2: light.map((x) => (50 * 50 + 120 * 120) * x),
    };
    return observe(
      m,
      { pixelScaleArcsec: 0.5, snAtRe: sn, lightAtRe: 30, fluxAtRe: 0.2, noiseCorrPx: 0 },
      mulberry32(3),
    );
  };

  it('VEL_ERR scales as 1/(S/N) and follows the line width; SIG_ERR is a fixed 1.1–1.3 multiple', () => {
    const lo = flat(10);
    const hi = flat(40);
    let checked = 0;
    for (let i = 0; i < lo.velocity.length; i++) {
      if (!lo.valid[i] || !hi.valid[i]) continue;
      checked++;
      expect(hi.snr[i] / lo.snr[i]).toBeCloseTo(4, 9);
      expect(lo.velocityError[i] / hi.velocityError[i]).toBeCloseTo(4, 9);
      const c = (lo.velocityError[i] * lo.snr[i]) / Math.hypot(120, SIGMA_INST_KMS);
      expect(c).toBeGreaterThanOrEqual(0.8);
      expect(c).toBeLessThanOrEqual(1);
      const k = lo.dispersionError[i] / lo.velocityError[i];
      expect(k).toBeGreaterThanOrEqual(1.1);
      expect(k).toBeLessThanOrEqual(1.3);
      expect(lo.fluxError[i]).toBeCloseTo((lo.fluxError[i] * lo.snr[i]) / lo.snr[i], 12);
    }
    expect(checked).toBeGreaterThan(300);
    // the noise really has that size: V − 50 over VEL_ERR is unit normal
    let chi2 = 0;
    let n = 0;
    for (let i = 0; i < lo.velocity.length; i++) {
      if (!lo.valid[i]) continue;
      chi2 += ((lo.velocity[i] - 50) / lo.velocityError[i]) ** 2;
      n++;
    }
    expect(chi2 / n).toBeGreaterThan(0.8);
    expect(chi2 / n).toBeLessThan(1.2);
  });

  it('S/N is snAtRe at the light at Re and ∝ √light; spaxels below S/N 3 or outside the bundle are NaN everywhere', () => {
    const o = flat(10);
    for (let i = 0; i < o.velocity.length; i++) {
      const r = Math.floor(i / 50);
      const c = i % 50;
      const outside = (r - 24.5) ** 2 + (c - 24.5) ** 2 > 15 * 15;
      if (outside || !(o.snr[i] >= 3)) {
        expect(o.valid[i]).toBe(0);
        for (const plane of [
          o.velocity,
          o.dispersion,
          o.flux,
          o.velocityError,
          o.dispersionError,
          o.snr,
          o.fluxError,
        ]) {
          expect(plane[i]).toBeNaN();
        }
      } else {
        expect(o.valid[i]).toBe(1);
        expect(Number.isFinite(o.velocity[i])).toBe(true);
      }
    }
    const light = 100 * Math.exp(-(0.5 * 0.5 * 2) / 200);
    expect(o.snr[24 * 50 + 24]).toBeCloseTo(10 * Math.sqrt(light / 30), 9);
  });
});
