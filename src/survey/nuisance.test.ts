import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../maps/random.ts';
import { analyticFamily } from './analytic/index.ts';
import type { MockGalaxy, Nuisance } from './family.ts';
import { applySurveyDefects, drawNuisance, STRESS_PRESETS } from './nuisance.ts';

const draws = (seed: number, k: number, stress?: (typeof STRESS_PRESETS)[number]) => {
  const rng = mulberry32(seed);
  return Array.from({ length: k }, () => drawNuisance(rng, stress));
};

function median(a: number[]): number {
  const s = [...a].sort((x, y) => x - y);
  return s[s.length >> 1];
}

function render(over: Partial<Nuisance>, seed = 3): { g: MockGalaxy; nu: Nuisance } {
  const rng = mulberry32(seed);
  const nu: Nuisance = {
    ...drawNuisance(rng),
    vSysOffsetKms: 0,
    hotFraction: 0,
    deadFraction: 0,
    mask: undefined,
    snAtRe: 20,
    reArcsec: 4,
    ...over,
  };
  return { g: analyticFamily.simulate('slow', 'n1', nu, rng), nu };
}

describe('drawNuisance', () => {
  it('takes no population: one distribution for both classes, deterministic per seed', () => {
    expect(drawNuisance.length).toBeLessThanOrEqual(2);
    expect(draws(5, 20)).toEqual(draws(5, 20));
    expect(draws(5, 20)).not.toEqual(draws(6, 20));
  });

  it('draws within the documented ranges', () => {
    const a = draws(1, 2000);
    for (const n of a) {
      expect(n.reArcsec).toBeGreaterThanOrEqual(1.5);
      expect(n.reArcsec).toBeLessThanOrEqual(9);
      expect(n.sersicN).toBeGreaterThanOrEqual(0.8);
      expect(n.sersicN).toBeLessThanOrEqual(6);
      expect(n.ellipticity).toBeGreaterThanOrEqual(0);
      expect(n.ellipticity).toBeLessThan(0.4);
      expect(n.snAtRe).toBeGreaterThanOrEqual(3);
      expect(n.snAtRe).toBeLessThanOrEqual(30);
      expect(n.psfFwhmArcsec).toBeGreaterThanOrEqual(1.3);
      expect(n.psfFwhmArcsec).toBeLessThanOrEqual(3.2);
      expect(Math.hypot(n.dxPx, n.dyPx)).toBeLessThanOrEqual(2);
      expect(n.hotFraction).toBeLessThanOrEqual(0.02);
      expect(n.sigmaScaleKms).toBeGreaterThanOrEqual(60);
      expect(n.sigmaScaleKms).toBeLessThanOrEqual(300);
    }
    expect(a.filter((n) => n.hotFraction === 0).length / a.length).toBeGreaterThan(0.6);
    expect(a.filter((n) => Math.abs(n.vSysOffsetKms) > 10).length / a.length).toBeGreaterThan(0.05);
    expect(a.filter((n) => n.mask).length / a.length).toBeGreaterThan(0.05);
  });

  it('each stress preset moves one distribution to its hard end and keeps the others', () => {
    const base = draws(2, 400);
    const checks: Record<(typeof STRESS_PRESETS)[number], (n: Nuisance) => boolean> = {
      'low-sn': (n) => n.snAtRe <= 5,
      'large-psf': (n) => n.psfFwhmArcsec >= 2.8,
      'offset-centre': (n) => Math.hypot(n.dxPx, n.dyPx) >= 1.5,
      'systemic-offset': (n) => Math.abs(n.vSysOffsetKms) >= 30,
      'hot-spaxels': (n) => n.hotFraction >= 0.015,
      small: (n) => n.reArcsec <= 2.5,
      large: (n) => n.reArcsec >= 6,
      flat: (n) => n.ellipticity >= 0.4 && n.ellipticity < 0.8,
    };
    for (const preset of STRESS_PRESETS) {
      const s = draws(2, 400, preset);
      expect(s.every(checks[preset]), preset).toBe(true);
      // an untouched distribution stays where it was (σ scale is never stressed)
      expect(
        Math.abs(median(s.map((n) => n.sigmaScaleKms)) / median(base.map((n) => n.sigmaScaleKms)) - 1),
      ).toBeLessThan(0.2);
    }
  });
});

describe('applySurveyDefects', () => {
  it('a residual systemic velocity shifts the median V', () => {
    const a = render({});
    const b = render({ vSysOffsetKms: 40 });
    const med = (g: MockGalaxy) => median(Array.from(g.velocity).filter(Number.isFinite));
    const before = med(a.g);
    applySurveyDefects(b.g, b.nu, mulberry32(1));
    expect(med(b.g) - before).toBeCloseTo(40, 0);
  });

  it('hot spaxels differ wildly from their neighbours; errors unchanged', () => {
    const { g, nu } = render({ hotFraction: 0.02 });
    const clean = render({}).g;
    applySurveyDefects(g, nu, mulberry32(2));
    let hot = 0;
    for (let i = 0; i < g.valid.length; i++) {
      if (!g.valid[i]) continue;
      expect(g.velocityError[i]).toBe(clean.velocityError[i]);
      if (Math.abs(g.velocity[i] - clean.velocity[i]) < 1e-9) continue;
      hot++;
      const nb = [i - 1, i + 1, i - 50, i + 50].filter((j) => g.valid[j]).map((j) => g.velocity[j]);
      expect(Math.abs(g.velocity[i] - median(nb))).toBeGreaterThan(100);
    }
    let valid = 0;
    for (let i = 0; i < g.valid.length; i++) valid += g.valid[i];
    expect(hot).toBe(Math.round(0.02 * valid));
    expect(hot).toBeGreaterThan(3);
  });

  it('dead spaxels and the mask disc are NaN in every plane and leave the valid mask', () => {
    const { g, nu } = render({ deadFraction: 0.03, mask: { xPx: 30, yPx: 24, radiusPx: 3 } });
    let before = 0;
    for (let i = 0; i < g.valid.length; i++) before += g.valid[i];
    applySurveyDefects(g, nu, mulberry32(3));
    let after = 0;
    for (let i = 0; i < g.valid.length; i++) {
      after += g.valid[i];
      const planes = [
        g.velocity,
        g.dispersion,
        g.flux,
        g.velocityError,
        g.dispersionError,
        g.snr,
        g.fluxError,
      ];
      if (!g.valid[i]) expect(planes.every((p) => Number.isNaN(p[i]))).toBe(true);
      else expect(planes.every((p) => Number.isFinite(p[i]))).toBe(true);
    }
    expect(g.valid[24 * 50 + 30]).toBe(0);
    expect(before - after).toBeGreaterThanOrEqual(Math.round(0.03 * before) + 20);
  });
});
