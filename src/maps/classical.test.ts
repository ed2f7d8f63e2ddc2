import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { measureSpinEllipticity, type SpinEllipticity } from './classical.ts';
import { measureKinematics } from './lambda-r.ts';
import { loadKinematicMap } from './load.ts';
import { ellipseFromMoments, halfLightRadius } from './photometry.ts';
import { mulberry32 } from './random.ts';
import { classifyRotator } from './rules.ts';
import type { KinematicMap } from './types.ts';

const N = 50;
const FIXTURES = join(import.meta.dirname, '../../test/fixtures/fits');

interface Model {
  vmax: number;
  sigma0: number;
  eps: number;
  paDeg: number;
  vsys?: number;
  dx?: number;
  dy?: number;
}

/** PSF-free analytic galaxy: exponential light (Re 4″), arctan rotation, declining σ; noise 3 km/s. */
function galaxy(m: Model, seed = 1): KinematicMap {
  const rng = mulberry32(seed);
  const q = 1 - m.eps;
  const pa = (m.paDeg * Math.PI) / 180;
  const xc = 24.5 + (m.dx ?? 0);
  const yc = 24.5 + (m.dy ?? 0);
  const velocity = new Float64Array(N * N);
  const dispersion = new Float64Array(N * N);
  const flux = new Float64Array(N * N);
  const valid = new Uint8Array(N * N);
  for (let r = 0; r < N; r++) {
    for (let c = 0; c < N; c++) {
      const i = r * N + c;
      if ((c - 24.5) ** 2 + (r - 24.5) ** 2 > 22 * 22) {
        velocity[i] = dispersion[i] = flux[i] = Number.NaN;
        continue;
      }
      const x = c - xc;
      const y = r - yc;
      const u = -x * Math.sin(pa) + y * Math.cos(pa);
      const w = (-x * Math.cos(pa) - y * Math.sin(pa)) / q;
      const R = Math.hypot(u, w);
      velocity[i] = (m.vsys ?? 0) + (R > 0 ? (m.vmax * (2 / Math.PI) * Math.atan(R / 3) * u) / R : 0);
      velocity[i] += 3 * rng.normal();
      dispersion[i] = m.sigma0 * (1 + R / 8) ** -0.3 + 3 * rng.normal();
      flux[i] = Math.exp((-1.678 * R) / 8);
      valid[i] = 1;
    }
  }
  return {
    galaxyId: 'g',
    survey: 'synthetic',
    width: N,
    height: N,
    pixelScaleArcsec: 0.5,
    velocity,
    dispersion,
    flux,
    valid,
    source: { velocityFile: 'g' },
  };
}

const FAST: Model = { vmax: 220, sigma0: 120, eps: 0.5, paDeg: 40 };
const SLOW: Model = { vmax: 10, sigma0: 200, eps: 0.15, paDeg: 110 };
// PSF-free maps: no PSF correction
const measure = (map: KinematicMap) => {
  const r = measureSpinEllipticity(map, { psfFwhmArcsec: 0 });
  if (!r.ok) throw new Error(r.reason);
  return r as SpinEllipticity;
};

function injectHot(map: KinematicMap, frac: number, seed: number): Uint8Array {
  const rng = mulberry32(seed);
  const hot = new Uint8Array(N * N);
  for (let i = 0; i < N * N; i++) {
    if (!map.valid[i] || rng.next() >= frac) continue;
    hot[i] = 1;
    if (rng.next() < 0.5) map.velocity[i] += (rng.next() < 0.5 ? -1 : 1) * rng.uniform(150, 600);
    else map.dispersion![i] *= rng.uniform(2, 5);
  }
  return hot;
}

describe('measureSpinEllipticity', () => {
  it('recovers the analytic λRe and ε of a clean disc', () => {
    const map = galaxy(FAST);
    const r = measure(map);
    // expected: eq. 6 inside the true Re ellipse × the default Re scale on the noise-free model
    const truth = measureKinematics(
      { width: N, height: N, velocity: map.velocity, dispersion: map.dispersion!, flux: map.flux },
      { xc: 24.5, yc: 24.5, ellipticity: 0.5, paDeg: 40, radiusPx: r.reArcsec / 0.5 },
    ).lambdaR;
    expect(r.lambdaRe).toBeCloseTo(truth, 2);
    expect(r.ellipticity).toBeGreaterThan(0.45);
    expect(r.ellipticity).toBeLessThan(0.55);
    expect(Math.abs(((r.paDeg - 40 + 90) % 180) - 90)).toBeLessThan(3);
    expect(r.class).toBe('fast');
    expect(r.rule).toBe('cappellari2016');
  });

  it('systemic offsets of ±50 km/s change λRe by < 0.01 after correction', () => {
    const base = measure(galaxy(FAST)).lambdaRe;
    for (const vsys of [-50, 50]) {
      const r = measure(galaxy({ ...FAST, vsys }));
      expect(Math.abs(r.systemicKms - vsys)).toBeLessThan(3);
      expect(Math.abs(r.lambdaRe - base)).toBeLessThan(0.01);
    }
    const slowBase = measure(galaxy(SLOW)).lambdaRe;
    expect(Math.abs(measure(galaxy({ ...SLOW, vsys: 50 })).lambdaRe - slowBase)).toBeLessThan(0.01);
  });

  it('1–2 % hot spaxels change λRe by < 0.02, ≥ 95 % of them rejected', () => {
    for (const [model, frac, seed] of [
      [FAST, 0.01, 3],
      [FAST, 0.02, 4],
      [SLOW, 0.02, 5],
    ] as const) {
      const clean = measure(galaxy(model)).lambdaRe;
      const map = galaxy(model);
      const hot = injectHot(map, frac, seed);
      const r = measure(map);
      expect(Math.abs(r.lambdaRe - clean)).toBeLessThan(0.02);
      const nHot = hot.reduce((a, b) => a + b, 0);
      expect(r.rejected.outliers).toBeGreaterThanOrEqual(Math.ceil(0.95 * nHot));
      expect(r.rejected.outliers).toBeLessThan(nHot + 0.01 * 1500);
    }
  });

  it('a centre offset of 1.5 px moves ε by < 0.03', () => {
    const base = measure(galaxy(FAST));
    for (const [dx, dy] of [
      [1.5, 0],
      [0, -1.5],
      [1.06, 1.06],
    ]) {
      const r = measure(galaxy({ ...FAST, dx, dy }));
      expect(Math.abs(r.ellipticity - base.ellipticity)).toBeLessThan(0.03);
      expect(r.xc).toBeCloseTo(24.5 + dx, 0);
      expect(r.yc).toBeCloseTo(24.5 + dy, 0);
    }
  });

  it('classifies clear fast and slow rotators by Cappellari 2016', () => {
    expect(measure(galaxy(FAST)).class).toBe('fast');
    const slow = measure(galaxy(SLOW));
    expect(slow.lambdaRe).toBeLessThan(0.08);
    expect(slow.class).toBe('slow');
  });

  it('gives a reason, not a throw, for a map without dispersion or with too few spaxels', () => {
    const map = galaxy(FAST);
    const r = measureSpinEllipticity({ ...map, dispersion: undefined });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(/dispersion/);
    const sparse = galaxy(FAST);
    sparse.valid.fill(0);
    for (let i = 0; i < 10; i++) sparse.valid[25 * N + 20 + i] = 1;
    const s = measureSpinEllipticity(sparse);
    expect(s.ok).toBe(false);
    if (!s.ok) expect(s.reason).toMatch(/spaxels/);
  });

  it('real maps: the SAMI velocity-only product gives the reason; MaNGA gives finite λRe, ε and the current class', async () => {
    // the SAMI fixtures are a velocity map (105420) and a dispersion map (136602) of different CATIDs
    const sami = await loadKinematicMap(join(FIXTURES, '105420_stellar-velocity_default_two-moment.fits'));
    const s = measureSpinEllipticity(sami);
    expect(s.ok).toBe(false);
    const manga = await loadKinematicMap(join(FIXTURES, 'manga-7815-3702-MAPS-HYB10-GAU-MILESHC.fits.gz'));
    const r = measureSpinEllipticity(manga);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(Number.isFinite(r.lambdaRe)).toBe(true);
    expect(r.ellipticity).toBeGreaterThanOrEqual(0);
    expect(r.ellipticity).toBeLessThan(1);
    // the measurement galspin made before (moment ellipse, half-light radius, no cleaning)
    const flux = manga.flux!;
    const e = ellipseFromMoments(flux, manga.width, manga.height, manga.valid);
    const radiusPx = halfLightRadius(flux, manga.width, manga.height, e, manga.valid);
    const before = measureKinematics(
      { ...manga, dispersion: manga.dispersion!, flux },
      { ...e, radiusPx },
    ).lambdaR;
    expect(r.class).toBe(classifyRotator(before, e.ellipticity, 'cappellari2016'));
  });
});
