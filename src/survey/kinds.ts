import type { Rng } from '../maps/random.ts';

/** True physical kind of a synthetic galaxy (not its label: labels come from the measured λRe, ε). */
export type GalaxyKind = 'disc' | 'non-rotating' | 'kdc' | 'counter-rotating' | 'prolate' | 'weak-misaligned';

export const GALAXY_KINDS: readonly GalaxyKind[] = [
  'disc',
  'non-rotating',
  'kdc',
  'counter-rotating',
  'prolate',
  'weak-misaligned',
];

/** Kinds drawn for the slow-rotator population, with their relative frequencies. */
export const SLOW_KIND_WEIGHTS: Readonly<Record<Exclude<GalaxyKind, 'disc'>, number>> = {
  'non-rotating': 0.3,
  kdc: 0.2,
  'counter-rotating': 0.1,
  prolate: 0.15,
  'weak-misaligned': 0.25,
};

/**
 * Everything that defines one synthetic galaxy. Angles in degrees, sizes in arcsec, speeds in km/s.
 * Sky coordinates follow src/maps/geometry.ts (PA from North towards East).
 */
export interface GalaxyParams {
  catid: string;
  kind: GalaxyKind;
  /** Effective (half-light) semi-major axis. */
  reArcsec: number;
  /** Photometric ellipticity 1 − b/a. */
  ellipticity: number;
  paDeg: number;
  sersicN: number;
  /** Galaxy centre offset from the grid centre, pixels. */
  dxPx: number;
  dyPx: number;
  /** Gaussian PSF FWHM. */
  psfFwhmArcsec: number;
  /** Continuum S/N per Å at Re (sets the noise and the S/N > 3 footprint). */
  snAtRe: number;
  /** Flux amplitude at Re, 1e-16 erg/s/cm²/Å/spaxel. */
  fluxAtRe: number;
  /** Rotation amplitude of the main component (projected for discs: Vmax sin i). */
  vAmp: number;
  /** Turnover radius of the arctan rotation curve. */
  rTurnArcsec: number;
  /** Kinematic minus photometric PA. */
  kinPaOffsetDeg: number;
  /** Intrinsic thickness q0 of discs (sets the inclination from ε). */
  discThickness: number;
  sigmaCentre: number;
  sigmaOuter: number;
  sigmaScaleArcsec: number;
  /** KDC: core radius and the counter-rotating outer amplitude; 2σ: scale ratio of the two discs. */
  coreRadiusArcsec: number;
  outerAmp: number;
  zPpxf: number;
}

function lognormal(rng: Rng, median: number, sigmaLn: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, median * Math.exp(sigmaLn * rng.normal())));
}

function pickSlowKind(rng: Rng): GalaxyKind {
  let u = rng.next();
  for (const [kind, w] of Object.entries(SLOW_KIND_WEIGHTS)) {
    u -= w;
    if (u < 0) return kind as GalaxyKind;
  }
  return 'non-rotating';
}

/**
 * Draws the parameters of a galaxy of the requested population.
 * Fast rotators are inclined discs with isotropic orientations (cos i uniform) and an intrinsic
 * thickness q0 ∈ [0.15, 0.35], so εobs = 1 − √(cos²i + q0² sin²i). Slow rotators are rounder
 * (ε ≲ 0.35), hotter (σ 150–280 km/s) and rotate weakly or in a way that cancels in λR.
 */
export function drawGalaxyParams(population: 'fast' | 'slow', catid: string, rng: Rng): GalaxyParams {
  const kind: GalaxyKind = population === 'fast' ? 'disc' : pickSlowKind(rng);
  const base = {
    catid,
    kind,
    paDeg: rng.uniform(0, 180),
    dxPx: rng.uniform(-1, 1),
    dyPx: rng.uniform(-1, 1),
    psfFwhmArcsec: lognormal(rng, 2.1, 0.15, 1.4, 3.0),
    snAtRe: lognormal(rng, 6.5, 0.5, 3, 25),
    fluxAtRe: lognormal(rng, 0.02, 0.5, 0.003, 0.2),
    zPpxf: rng.uniform(0.01, 0.1),
    kinPaOffsetDeg: 0,
    discThickness: rng.uniform(0.15, 0.35),
    coreRadiusArcsec: 0,
    outerAmp: 0,
  };
  if (kind === 'disc') {
    const q0 = base.discThickness;
    const cosI = rng.next();
    const q = Math.sqrt(cosI * cosI + q0 * q0 * (1 - cosI * cosI));
    const sinI = Math.sqrt(1 - cosI * cosI);
    const vMax = lognormal(rng, 150, 0.4, 50, 300);
    const re = lognormal(rng, 3.8, 0.3, 1.6, 8);
    return {
      ...base,
      reArcsec: re,
      ellipticity: 1 - q,
      sersicN: rng.uniform(0.8, 2.5),
      vAmp: vMax * sinI,
      rTurnArcsec: re * rng.uniform(0.15, 0.5),
      kinPaOffsetDeg: rng.normal() * 4,
      sigmaCentre: rng.uniform(60, 170),
      sigmaOuter: rng.uniform(40, 80),
      sigmaScaleArcsec: re * rng.uniform(0.3, 0.8),
    };
  }
  const re = lognormal(rng, 4.5, 0.3, 2, 8);
  const common = {
    ...base,
    snAtRe: lognormal(rng, 9, 0.4, 3.5, 25),
    reArcsec: re,
    ellipticity: Math.min(0.4, Math.abs(rng.normal() * 0.15)),
    sersicN: rng.uniform(3, 6),
    rTurnArcsec: re * rng.uniform(0.2, 0.5),
    sigmaCentre: rng.uniform(170, 290),
    sigmaOuter: rng.uniform(130, 200),
    sigmaScaleArcsec: re * rng.uniform(0.5, 1.5),
  };
  switch (kind) {
    case 'non-rotating':
      return { ...common, vAmp: rng.uniform(0, 10), kinPaOffsetDeg: rng.uniform(-90, 90) };
    case 'kdc':
      return {
        ...common,
        vAmp: rng.uniform(40, 110),
        rTurnArcsec: rng.uniform(0.4, 1.0),
        coreRadiusArcsec: rng.uniform(1.5, 3.0),
        outerAmp: rng.uniform(0, 20),
        kinPaOffsetDeg: rng.uniform(-90, 90),
      };
    case 'counter-rotating':
      return {
        ...common,
        ellipticity: rng.uniform(0.1, 0.35),
        vAmp: rng.uniform(70, 150),
        coreRadiusArcsec: re * rng.uniform(0.4, 0.8),
        outerAmp: rng.uniform(1.4, 2.0),
        sigmaCentre: rng.uniform(120, 200),
        sigmaOuter: rng.uniform(80, 140),
      };
    case 'prolate':
      return { ...common, ellipticity: rng.uniform(0.1, 0.35), vAmp: rng.uniform(25, 85) };
    default:
      return {
        ...common,
        vAmp: rng.uniform(15, 55),
        kinPaOffsetDeg: rng.uniform(30, 90) * (rng.next() < 0.5 ? -1 : 1),
      };
  }
}
