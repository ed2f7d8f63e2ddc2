/**
 * Dynamical models of the particle family: stars drawn from an ellipsoidal, deprojected-Sérsic
 * (Prugniel–Simien) density, with mean streaming about a chosen intrinsic axis plus Gaussian random
 * motions (a SimSpin-like mock; Harborne, Power & Robotham 2020, PASA 37, e016).
 *
 * Intrinsic frame: x is the long axis, y the intermediate, z the short axis. Axis ratios p = b/a,
 * q = c/a (1 ≥ p ≥ q). Positions are first drawn in model units (the ellipsoidal radius m where the
 * deprojected profile has its Sérsic scale at m = 1) and later scaled to arcsec by the projection step,
 * so that the projected half-light semi-major axis equals the wanted Re. Velocities are in km/s and are
 * drawn after that scaling, so kinematic radii (turnover, KDC core) are in arcsec.
 */
import type { Rng } from '../../maps/random.ts';
import type { Population } from '../family.ts';

/** Fast-rotator kinds. */
export const FAST_KINDS = ['oblate-rotator'] as const;
/** Slow-rotator kinds. */
export const SLOW_KINDS = ['non-rotating', 'prolate', 'triaxial', 'kdc', 'counter-rotating'] as const;
export type FastKind = (typeof FAST_KINDS)[number];
export type SlowKind = (typeof SLOW_KINDS)[number];
export type ParticleKind = FastKind | SlowKind;

/** One streaming component: rotation about `axis` with V(R) = vMax · R / √(R² + rTurn²). */
export interface Streaming {
  /** Unit rotation axis in the intrinsic frame (right-handed: positive vMax rotates counter-clockwise about it). */
  axis: [number, number, number];
  /** Asymptotic rotation speed, km/s (negative: counter-rotation). */
  vMaxKms: number;
  /** Turnover radius of the rotation curve, arcsec (cylindrical radius about the axis). */
  rTurnArcsec: number;
}

/** Radial dispersion profile σ(r) = σ0 · [f∞ + (1 − f∞) · (1 + (r/rσ)²)^(−γ/2)], r the 3-D radius. */
export interface DispersionProfile {
  /** Central dispersion σ0, km/s (nuisance.sigmaScaleKms). */
  sigma0Kms: number;
  /** Fraction of σ0 left at large radius (0..1). */
  floor: number;
  /** Scale radius rσ, arcsec. */
  rSigmaArcsec: number;
  /** Fall-off exponent γ. */
  gamma: number;
  /** σ_z / σ_R of a flattened (disc-like) velocity ellipsoid, 1 = isotropic. */
  zRatio: number;
}

/**
 * A stellar component: a share of the particles, its own radial scale, and its kinematics.
 * The two discs of a counter-rotating galaxy are two components; every other kind has one.
 */
export interface Component {
  /** Fraction of the particles (components sum to 1). */
  weight: number;
  /** Radial scale relative to the galaxy's (1 = the main body). */
  scale: number;
  /** Inner streaming (a KDC's core, or the whole galaxy's rotation). */
  streaming: Streaming;
  /**
   * Optional outer streaming: the star's streaming blends from `streaming` (inside) to `outer` (outside)
   * with weight exp(−(r / coreRadiusArcsec)²) on the 3-D radius r.
   */
  outer?: Streaming;
  /** Core radius of the blend, arcsec (required with `outer`). */
  coreRadiusArcsec?: number;
  /**
   * A counter-rotating sub-population: a star at 3-D radius r streams in the opposite sense with
   * probability maxFraction / (1 + (r / radiusArcsec)⁴) — two co-spatial, counter-rotating discs, the
   * second truncated outside radiusArcsec.
   */
  counter?: { maxFraction: number; radiusArcsec: number };
  dispersion: DispersionProfile;
}

/** All the parameters of one particle model. */
export interface ParticleModel {
  kind: ParticleKind;
  /** Intermediate-to-long axis ratio b/a. */
  p: number;
  /** Short-to-long axis ratio c/a. */
  q: number;
  /** Sérsic index of the projected light the deprojected profile approximates. */
  sersicN: number;
  components: Component[];
}

/** Prugniel & Simien (1997, A&A 321, 111) inner slope p(n) (Lima Neto, Gerbal & Márquez 1999, MNRAS 309, 481). */
export function prugnielSimienSlope(n: number): number {
  return Math.max(0, 1 - 0.6097 / n + 0.05463 / (n * n));
}

/** Sérsic b(n) to the accuracy the particle family needs (Prugniel & Simien 1997 fit): it only sets the model unit. */
export function psB(n: number): number {
  return 2 * n - 1 / 3 + 0.009876 / n;
}

/**
 * Gamma(shape k, scale 1) variate, Marsaglia & Tsang (2000, ACM TOMS 26, 363); k < 1 uses the
 * k + 1 boost (U^(1/k) factor).
 */
export function gammaVariate(k: number, rng: Rng): number {
  if (k < 1) return gammaVariate(k + 1, rng) * rng.next() ** (1 / k);
  const d = k - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = rng.normal();
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = rng.next();
    if (u < 1 - 0.0331 * x * x * x * x) return d * v;
    if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

/**
 * Draws the ellipsoidal radius m of one star from the Prugniel–Simien density
 * ρ(m) ∝ m^(−p) exp(−b m^(1/n)): with t = b m^(1/n) the enclosed mass is the regularised incomplete
 * gamma P(n(3 − p), t), so t ~ Gamma(n(3 − p)) and m = (t/b)^n exactly.
 */
export function drawSersicRadius(n: number, rng: Rng): number {
  const k = n * (3 - prugnielSimienSlope(n));
  return (gammaVariate(k, rng) / psB(n)) ** n;
}

/** Particle positions in the intrinsic frame (model units) and the component of each. */
export interface Particles {
  n: number;
  x: Float64Array;
  y: Float64Array;
  z: Float64Array;
  component: Uint8Array;
}

/**
 * Standard normal deviates into `out`, Marsaglia polar method (Marsaglia & Bray 1964) from rng.next():
 * no trigonometry, one log and one square root per pair.
 */
export function fillNormals(out: Float64Array, rng: Rng): Float64Array {
  const n = out.length;
  let i = 0;
  while (i < n) {
    let u: number;
    let v: number;
    let s: number;
    do {
      u = 2 * rng.next() - 1;
      v = 2 * rng.next() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const f = Math.sqrt((-2 * Math.log(s)) / s);
    out[i++] = u * f;
    if (i < n) out[i++] = v * f;
  }
  return out;
}

/** Entries of the inverse-CDF table of {@link sersicRadiusTable}. */
const TABLE_SIZE = 4096;

/**
 * Inverse cumulative mass of the deprojected Sérsic profile: entry j is the radius m enclosing the mass
 * fraction j / (size − 1). Built from the Gamma(n(3 − p)) density of t = b m^(1/n) (see
 * {@link drawSersicRadius}) integrated on a fine t grid (Simpson panels), then inverted by linear
 * interpolation; the last entry is the 1 − 1e-7 quantile.
 */
export function sersicRadiusTable(n: number, size = TABLE_SIZE): Float64Array {
  const k = n * (3 - prugnielSimienSlope(n));
  const b = psB(n);
  // t grid up to far in the Gamma tail
  const tMax = k + 14 * Math.sqrt(k) + 30;
  const steps = 4096;
  const h = tMax / steps;
  const logDensity = (t: number) => (t > 0 ? (k - 1) * Math.log(t) - t : k > 1 ? -Infinity : 0);
  // normalise in log space around the mode to avoid overflow
  const mode = Math.max(k - 1, 0);
  const ref = mode > 0 ? logDensity(mode) : 0;
  const dens = (t: number) => (t > 0 ? Math.exp(logDensity(t) - ref) : k > 1 ? 0 : k === 1 ? 1 : 0);
  const cdf = new Float64Array(steps + 1);
  for (let s = 1; s <= steps; s++) {
    const a = (s - 1) * h;
    const c = s * h;
    // Simpson on [a, c]; for k < 1 the density diverges at 0, avoid evaluating there
    const fa = a === 0 && k < 1 ? dens(0.25 * h) : dens(a);
    cdf[s] = cdf[s - 1] + (h / 6) * (fa + 4 * dens(a + 0.5 * h) + dens(c));
  }
  const total = cdf[steps];
  const out = new Float64Array(size);
  let s = 0;
  for (let j = 0; j < size; j++) {
    const target = Math.min(j / (size - 1), 1 - 1e-7) * total;
    while (s < steps && cdf[s + 1] < target) s++;
    const lo = cdf[s];
    const hi = cdf[Math.min(s + 1, steps)];
    const t = (s + (hi > lo ? (target - lo) / (hi - lo) : 0)) * h;
    out[j] = (t / b) ** n;
  }
  return out;
}

const tableCache = new Map<number, Float64Array>();

/** Cached {@link sersicRadiusTable} for n rounded to 0.01. */
function radiusTable(n: number): Float64Array {
  const key = Math.round(n * 100);
  let t = tableCache.get(key);
  if (!t) {
    if (tableCache.size > 300) tableCache.clear();
    t = sersicRadiusTable(key / 100);
    tableCache.set(key, t);
  }
  return t;
}

/**
 * Draws `n` stars: component by weight, ellipsoidal radius from the deprojected Sérsic profile (inverse
 * CDF table) times the component's scale, direction isotropic, then stretched to axes (1, p, q) — a
 * density stratified on similar ellipsoids.
 */
export function samplePositions(model: ParticleModel, n: number, rng: Rng): Particles {
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  const z = new Float64Array(n);
  const component = new Uint8Array(n);
  const cum: number[] = [];
  let acc = 0;
  for (const c of model.components) cum.push((acc += c.weight));
  const table = radiusTable(Math.min(Math.max(model.sersicN, 0.5), 10));
  const last = table.length - 1;
  for (let i = 0; i < n; i++) {
    let ci = 0;
    if (cum.length > 1) {
      const u = rng.next() * acc;
      while (ci < cum.length - 1 && u >= cum[ci]) ci++;
    }
    component[i] = ci;
    const f = rng.next() * last;
    const j = f | 0;
    const m = (table[j] + (f - j) * (table[j + 1] - table[j])) * model.components[ci].scale;
    // isotropic direction (Marsaglia 1972): uniform point in the unit disc
    let a: number;
    let b: number;
    let s: number;
    do {
      a = 2 * rng.next() - 1;
      b = 2 * rng.next() - 1;
      s = a * a + b * b;
    } while (s >= 1);
    const w = 2 * Math.sqrt(1 - s);
    x[i] = m * a * w;
    y[i] = m * model.p * b * w;
    z[i] = m * model.q * (1 - 2 * s);
  }
  return { n, x, y, z, component };
}

/** σ(r), km/s. */
export function dispersionAt(d: DispersionProfile, r: number): number {
  const x2 = (r / d.rSigmaArcsec) ** 2;
  const t = d.gamma === 2 ? 1 / (1 + x2) : (1 + x2) ** (-d.gamma / 2);
  return d.sigma0Kms * (d.floor + (1 - d.floor) * t);
}

/** Adds the streaming velocity of `s` at (x, y, z) arcsec, times `f`, into out[0..2]. */
function addStreaming(s: Streaming, x: number, y: number, z: number, f: number, out: Float64Array): void {
  const [ax, ay, az] = s.axis;
  // φ̂ · R = axis × r; its norm is the cylindrical radius R about the axis
  const cx = ay * z - az * y;
  const cy = az * x - ax * z;
  const cz = ax * y - ay * x;
  const R = Math.sqrt(cx * cx + cy * cy + cz * cz);
  if (R === 0) return;
  const v = (f * s.vMaxKms) / Math.sqrt(R * R + s.rTurnArcsec * s.rTurnArcsec);
  out[0] += v * cx;
  out[1] += v * cy;
  out[2] += v * cz;
}

/**
 * Velocities (km/s, intrinsic frame) of stars at intrinsic positions (arcsec): streaming plus Gaussian
 * random motions with σ(r); a disc-like component has σ_z = zRatio · σ along the short axis.
 */
export function assignVelocities(
  model: ParticleModel,
  pos: Particles,
  rng: Rng,
): { vx: Float64Array; vy: Float64Array; vz: Float64Array } {
  const { n, x, y, z, component } = pos;
  const vx = new Float64Array(n);
  const vy = new Float64Array(n);
  const vz = new Float64Array(n);
  const v = new Float64Array(3);
  const g = fillNormals(new Float64Array(3 * n), rng);
  for (let i = 0; i < n; i++) {
    const c = model.components[component[i]];
    const r = Math.sqrt(x[i] * x[i] + y[i] * y[i] + z[i] * z[i]);
    v[0] = v[1] = v[2] = 0;
    if (c.outer && c.coreRadiusArcsec) {
      const w = Math.exp(-((r / c.coreRadiusArcsec) ** 2));
      addStreaming(c.streaming, x[i], y[i], z[i], w, v);
      addStreaming(c.outer, x[i], y[i], z[i], 1 - w, v);
    } else if (c.counter) {
      const pc = c.counter.maxFraction / (1 + (r / c.counter.radiusArcsec) ** 4);
      addStreaming(c.streaming, x[i], y[i], z[i], rng.next() < pc ? -1 : 1, v);
    } else {
      addStreaming(c.streaming, x[i], y[i], z[i], 1, v);
    }
    const s = dispersionAt(c.dispersion, r);
    vx[i] = v[0] + s * g[3 * i];
    vy[i] = v[1] + s * g[3 * i + 1];
    vz[i] = v[2] + s * c.dispersion.zRatio * g[3 * i + 2];
  }
  return { vx, vy, vz };
}

/** Scales positions in place (model units → arcsec). */
export function scalePositions(pos: Particles, factor: number): void {
  for (let i = 0; i < pos.n; i++) {
    pos.x[i] *= factor;
    pos.y[i] *= factor;
    pos.z[i] *= factor;
  }
}

const Z_AXIS: [number, number, number] = [0, 0, 1];
const X_AXIS: [number, number, number] = [1, 0, 0];

/** Hot, slowly declining dispersion profile of an elliptical (σ(Re) ≈ 0.9 σ0). */
function hotDispersion(sigma0: number, reArcsec: number, rng: Rng): DispersionProfile {
  return { sigma0Kms: sigma0, floor: 0, rSigmaArcsec: reArcsec, gamma: rng.uniform(0.15, 0.3), zRatio: 1 };
}

/** Disc dispersion profile: σ falls from σ0 to 35–65 % of it outside ~0.5 Re; flattened velocity ellipsoid. */
function discDispersion(sigma0: number, reArcsec: number, rng: Rng): DispersionProfile {
  return {
    sigma0Kms: sigma0,
    floor: rng.uniform(0.35, 0.65),
    rSigmaArcsec: rng.uniform(0.3, 0.7) * reArcsec,
    gamma: 2,
    zRatio: rng.uniform(0.65, 0.9),
  };
}

/**
 * Draws the parameters of a model of the given kind.
 *
 * Ranges (σ0 = sigma0Kms, the same distribution for every kind; Re in arcsec):
 * - oblate-rotator: p ∈ [0.92, 1], q ∈ [0.2, 0.6]; rotation about z with vMax/σ0 = 0.6 + 2.4 u^0.6
 *   (median ≈ 2), rTurn ∈ [0.15, 0.5] Re; disc-like σ profile.
 * - non-rotating: p ∈ [0.85, 1], q ∈ [0.7, p]; no streaming; hot σ profile.
 * - prolate: p = q ∈ [0.55, 0.85] (and b = c up to 2 %); rotation about the LONG axis x, vMax/σ0 ∈ [0.2, 0.5].
 * - triaxial: p ∈ [0.75, 0.95], q ∈ [0.55, p − 0.05]; weak rotation (vMax/σ0 ∈ [0.08, 0.3]) about an
 *   axis in the x–z principal plane tilted 25–75° from z, so the kinematic axis is misaligned.
 * - kdc: p ∈ [0.85, 1], q ∈ [0.7, p]; core radius 1–3″ rotating about z with vMax/σ0 ∈ [0.4, 1.0],
 *   rTurn = 0.3 core; outside it non-rotating (half) or counter-rotating with vMax/σ0 ∈ [0.1, 0.3].
 * - counter-rotating: p ∈ [0.95, 1], q ∈ [0.25, 0.5]; two co-spatial discs rotating in opposite senses
 *   about z with the same vMax/σ0 ∈ [1.4, 2.6], rTurn ∈ [0.1, 0.3] Re; inside r_c ∈ [1.2, 2] Re half
 *   (45–50 %) of the stars counter-rotate, outside the counter-rotating disc fades as (r/r_c)⁻⁴ (mass
 *   ratio ≈ 0.35–0.6), so V ≈ 0 inside and σ peaks on both sides along the major axis ('2σ', Krajnović
 *   et al. 2011, MNRAS 414, 2923); disc-like σ profile.
 */
export function drawModel(
  kind: ParticleKind,
  sersicN: number,
  sigma0Kms: number,
  reArcsec: number,
  rng: Rng,
): ParticleModel {
  const s0 = sigma0Kms;
  const sign = rng.next() < 0.5 ? -1 : 1;
  switch (kind) {
    case 'oblate-rotator': {
      const q = rng.uniform(0.2, 0.6);
      const p = rng.uniform(0.92, 1);
      const vOverSigma = 0.6 + 2.4 * rng.next() ** 0.6;
      return {
        kind,
        p,
        q,
        sersicN,
        components: [
          {
            weight: 1,
            scale: 1,
            streaming: {
              axis: Z_AXIS,
              vMaxKms: sign * vOverSigma * s0,
              rTurnArcsec: rng.uniform(0.15, 0.5) * reArcsec,
            },
            dispersion: discDispersion(s0, reArcsec, rng),
          },
        ],
      };
    }
    case 'non-rotating': {
      const p = rng.uniform(0.85, 1);
      const q = rng.uniform(0.7, p);
      return {
        kind,
        p,
        q,
        sersicN,
        components: [
          {
            weight: 1,
            scale: 1,
            streaming: { axis: Z_AXIS, vMaxKms: 0, rTurnArcsec: 1 },
            dispersion: hotDispersion(s0, reArcsec, rng),
          },
        ],
      };
    }
    case 'prolate': {
      const q = rng.uniform(0.55, 0.85);
      const p = Math.min(1, q * rng.uniform(1, 1.02));
      return {
        kind,
        p,
        q,
        sersicN,
        components: [
          {
            weight: 1,
            scale: 1,
            streaming: {
              axis: X_AXIS,
              vMaxKms: sign * rng.uniform(0.2, 0.5) * s0,
              rTurnArcsec: rng.uniform(0.2, 0.5) * reArcsec,
            },
            dispersion: hotDispersion(s0, reArcsec, rng),
          },
        ],
      };
    }
    case 'triaxial': {
      const p = rng.uniform(0.75, 0.95);
      const q = rng.uniform(0.55, p - 0.05);
      const tilt = (rng.uniform(25, 75) * Math.PI) / 180;
      return {
        kind,
        p,
        q,
        sersicN,
        components: [
          {
            weight: 1,
            scale: 1,
            streaming: {
              axis: [Math.sin(tilt), 0, Math.cos(tilt)],
              vMaxKms: sign * rng.uniform(0.08, 0.3) * s0,
              rTurnArcsec: rng.uniform(0.2, 0.6) * reArcsec,
            },
            dispersion: hotDispersion(s0, reArcsec, rng),
          },
        ],
      };
    }
    case 'kdc': {
      const p = rng.uniform(0.85, 1);
      const q = rng.uniform(0.7, p);
      const core = rng.uniform(1, 3);
      const counter = rng.next() < 0.5;
      const vOut = counter ? -sign * rng.uniform(0.1, 0.3) * s0 : 0;
      return {
        kind,
        p,
        q,
        sersicN,
        components: [
          {
            weight: 1,
            scale: 1,
            streaming: { axis: Z_AXIS, vMaxKms: sign * rng.uniform(0.4, 1.0) * s0, rTurnArcsec: 0.3 * core },
            outer: { axis: Z_AXIS, vMaxKms: vOut, rTurnArcsec: core },
            coreRadiusArcsec: core,
            dispersion: hotDispersion(s0, reArcsec, rng),
          },
        ],
      };
    }
    case 'counter-rotating': {
      const q = rng.uniform(0.25, 0.5);
      const p = rng.uniform(0.95, 1);
      return {
        kind,
        p,
        q,
        sersicN,
        components: [
          {
            weight: 1,
            scale: 1,
            streaming: {
              axis: Z_AXIS,
              vMaxKms: sign * rng.uniform(1.4, 2.6) * s0,
              rTurnArcsec: rng.uniform(0.1, 0.3) * reArcsec,
            },
            counter: { maxFraction: rng.uniform(0.45, 0.5), radiusArcsec: rng.uniform(1.2, 2) * reArcsec },
            dispersion: discDispersion(s0, reArcsec, rng),
          },
        ],
      };
    }
  }
}

/** Kinds a population is drawn from, and how often (fast: one kind; slow: the five with these weights). */
export const KIND_WEIGHTS: Record<Population, readonly [ParticleKind, number][]> = {
  fast: [['oblate-rotator', 1]],
  slow: [
    ['non-rotating', 0.3],
    ['prolate', 0.15],
    ['triaxial', 0.2],
    ['kdc', 0.2],
    ['counter-rotating', 0.15],
  ],
};

/** Draws a kind of the population by {@link KIND_WEIGHTS}. */
export function drawKind(population: Population, rng: Rng): ParticleKind {
  const list = KIND_WEIGHTS[population];
  let u = rng.next() * list.reduce((a, [, w]) => a + w, 0);
  for (const [k, w] of list) {
    if ((u -= w) < 0) return k;
  }
  return list[list.length - 1][0];
}
