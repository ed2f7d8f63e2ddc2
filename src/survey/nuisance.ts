/**
 * Nuisance properties of the mocks (size, profile, S/N, PSF, centring, systemic offset, noise, defects),
 * drawn from ONE distribution for both populations: {@link drawNuisance} does not take the population,
 * so only the kinematics can tell a fast rotator from a slow one.
 */
import type { Rng } from '../maps/random.ts';
import type { MockGalaxy, Nuisance } from './family.ts';

/**
 * Stress presets: each moves ONE nuisance distribution to its hard end and keeps the others.
 * `flat` draws ε ∈ [0.4, 0.8): by the cappellari2016 rule (ε < 0.4 for slow rotators) every labeled
 * galaxy of a flat survey is fast, so it measures how flattened discs are classified.
 */
export const STRESS_PRESETS = [
  'low-sn',
  'large-psf',
  'offset-centre',
  'systemic-offset',
  'hot-spaxels',
  'small',
  'large',
  'flat',
] as const;
export type StressPreset = (typeof STRESS_PRESETS)[number];

/** What each preset changes, for help texts and survey.json. */
export const STRESS_DESCRIPTIONS: Readonly<Record<StressPreset, string>> = {
  'low-sn': 'S/N at Re 3–5',
  'large-psf': 'PSF FWHM 2.8–3.2″',
  'offset-centre': 'centre offset 1.5–2.5 px',
  'systemic-offset': 'residual systemic velocity ±30–80 km/s',
  'hot-spaxels': 'hot-spaxel fraction 1.5–3 %',
  small: 'Re 1.5–2.5″',
  large: 'Re 6–9″',
  flat: 'ε 0.4–0.8 (all labeled galaxies fast by the rule)',
};

const GRID_CENTRE = 24.5;

function lognormal(rng: Rng, median: number, sigmaLn: number, lo: number, hi: number): number {
  // resample rather than clip, so no pile-up at the edges
  for (let k = 0; k < 20; k++) {
    const x = median * Math.exp(sigmaLn * rng.normal());
    if (x >= lo && x <= hi) return x;
  }
  return Math.min(hi, Math.max(lo, median));
}

/**
 * Draws the nuisance of one mock. The same distribution for every galaxy of a survey, whatever its
 * population; `stress` moves one of them to its hard end ({@link STRESS_PRESETS}).
 */
export function drawNuisance(rng: Rng, stress?: StressPreset): Nuisance {
  const reArcsec =
    stress === 'small'
      ? rng.uniform(1.5, 2.5)
      : stress === 'large'
        ? rng.uniform(6, 9)
        : lognormal(rng, 3.8, 0.4, 1.5, 9);
  const sersicN = Math.exp(rng.uniform(Math.log(0.8), Math.log(6)));
  const ellipticity = stress === 'flat' ? rng.uniform(0.4, 0.8) : rng.uniform(0, 0.4);
  const paDeg = rng.uniform(0, 180);
  const snAtRe = stress === 'low-sn' ? rng.uniform(3, 5) : lognormal(rng, 8, 0.5, 3, 30);
  const fluxAtRe = lognormal(rng, 0.02, 0.5, 0.003, 0.2);
  const psfFwhmArcsec = stress === 'large-psf' ? rng.uniform(2.8, 3.2) : lognormal(rng, 2.0, 0.2, 1.3, 3.2);
  const dr = stress === 'offset-centre' ? rng.uniform(1.5, 2.5) : 2 * Math.sqrt(rng.next()) * rng.next();
  const phi = rng.uniform(0, 2 * Math.PI);
  let vSysOffsetKms: number;
  if (stress === 'systemic-offset') vSysOffsetKms = rng.uniform(30, 80) * (rng.next() < 0.5 ? -1 : 1);
  else if (rng.next() < 0.85) vSysOffsetKms = 4 * rng.normal();
  else vSysOffsetKms = rng.uniform(10, 50) * (rng.next() < 0.5 ? -1 : 1);
  const noiseCorrPx = rng.next() < 0.5 ? 0 : rng.uniform(0.3, 1.2);
  const hotFraction =
    stress === 'hot-spaxels' ? rng.uniform(0.015, 0.03) : rng.next() < 0.7 ? 0 : rng.uniform(0, 0.02);
  const deadFraction = rng.next() < 0.7 ? 0 : rng.uniform(0, 0.03);
  let mask: Nuisance['mask'];
  if (rng.next() < 0.1) {
    const r = rng.uniform(4, 14);
    const a = rng.uniform(0, 2 * Math.PI);
    mask = {
      xPx: GRID_CENTRE + r * Math.cos(a),
      yPx: GRID_CENTRE + r * Math.sin(a),
      radiusPx: rng.uniform(1.5, 4),
    };
  }
  const sigmaScaleKms = Math.exp(rng.uniform(Math.log(60), Math.log(300)));
  const zPpxf = rng.uniform(0.01, 0.1);
  return {
    reArcsec,
    sersicN,
    ellipticity,
    paDeg,
    snAtRe,
    fluxAtRe,
    psfFwhmArcsec,
    dxPx: dr * Math.cos(phi),
    dyPx: dr * Math.sin(phi),
    vSysOffsetKms,
    noiseCorrPx,
    hotFraction,
    deadFraction,
    ...(mask ? { mask } : {}),
    sigmaScaleKms,
    zPpxf,
  };
}

/** Planes of a mock that carry data (all NaN where a spaxel is invalid). */
const PLANES = [
  'velocity',
  'dispersion',
  'flux',
  'velocityError',
  'dispersionError',
  'snr',
  'fluxError',
] as const;

function kill(g: MockGalaxy, i: number): void {
  for (const p of PLANES) g[p][i] = Number.NaN;
  g.valid[i] = 0;
}

/** k distinct indices of `from`, drawn without replacement (partial Fisher–Yates). */
function pick(from: number[], k: number, rng: Rng): number[] {
  const a = [...from];
  const n = Math.min(k, a.length);
  for (let j = 0; j < n; j++) {
    const r = j + rng.int(a.length - j);
    [a[j], a[r]] = [a[r], a[j]];
  }
  return a.slice(0, n);
}

/**
 * Survey defects on a rendered mock, in place (and returned): the residual systemic velocity is added
 * to V; `hotFraction` of the valid spaxels get wild values (V ± 150–600 km/s, σ × 2–5 or a tiny σ;
 * errors unchanged); `deadFraction` of them and the mask disc become NaN in every plane; `valid` follows.
 */
export function applySurveyDefects(g: MockGalaxy, nuisance: Nuisance, rng: Rng): MockGalaxy {
  const n = g.valid.length;
  const validIdx: number[] = [];
  for (let i = 0; i < n; i++) {
    if (!g.valid[i]) continue;
    g.velocity[i] += nuisance.vSysOffsetKms;
    validIdx.push(i);
  }
  const nHot = Math.round(nuisance.hotFraction * validIdx.length);
  for (const i of pick(validIdx, nHot, rng)) {
    g.velocity[i] += rng.uniform(150, 600) * (rng.next() < 0.5 ? -1 : 1);
    g.dispersion[i] = rng.next() < 0.7 ? g.dispersion[i] * rng.uniform(2, 5) : rng.uniform(5, 20);
  }
  const nDead = Math.round(nuisance.deadFraction * validIdx.length);
  for (const i of pick(validIdx, nDead, rng)) kill(g, i);
  if (nuisance.mask) {
    const { xPx, yPx, radiusPx } = nuisance.mask;
    for (let i = 0; i < n; i++) {
      const r = Math.floor(i / g.width);
      const c = i - r * g.width;
      if ((c - xPx) ** 2 + (r - yPx) ** 2 <= radiusPx * radiusPx) kill(g, i);
    }
  }
  return g;
}
