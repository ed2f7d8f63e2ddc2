import type { Rng } from '../../maps/random.ts';
import type { Nuisance, Population } from '../family.ts';
import { drawNuisance } from '../nuisance.ts';

/** True physical kind of an analytic galaxy (not its label: labels come from the measured λRe, ε). */
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
 * Everything that defines one analytic galaxy. Angles in degrees, sizes in arcsec, speeds in km/s.
 * Sky coordinates follow src/maps/geometry.ts (PA from North towards East). The nuisance part (size,
 * profile, ε, PA, centring, PSF, S/N, flux, noise correlation, σ level, z) comes from a {@link Nuisance}.
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
  /** Gaussian correlation length of the noise, pixels (0 = white). */
  noiseCorrPx: number;
  /** Rotation amplitude of the main component (projected for discs: Vmax sin i). */
  vAmp: number;
  /** Turnover radius of the arctan rotation curve. */
  rTurnArcsec: number;
  /** Kinematic minus photometric PA. */
  kinPaOffsetDeg: number;
  /** Intrinsic thickness q0 of discs (not used by the kinematics; kept for reference). */
  discThickness: number;
  sigmaCentre: number;
  sigmaOuter: number;
  sigmaScaleArcsec: number;
  /** KDC: core radius and the counter-rotating outer amplitude; 2σ: scale ratio of the two discs. */
  coreRadiusArcsec: number;
  outerAmp: number;
  zPpxf: number;
}

/** Rotation amplitude over the central σ, per kind: discs clearly rotate, slow kinds barely or cancel. */
export const V_OVER_SIGMA_RANGES: Readonly<Record<GalaxyKind, readonly [number, number]>> = {
  disc: [0.8, 2.5],
  'non-rotating': [0, 0.05],
  kdc: [0.2, 0.5],
  'counter-rotating': [0.45, 0.85],
  prolate: [0.12, 0.35],
  'weak-misaligned': [0.06, 0.2],
};

function pickSlowKind(rng: Rng): GalaxyKind {
  let u = rng.next();
  for (const [kind, w] of Object.entries(SLOW_KIND_WEIGHTS)) {
    u -= w;
    if (u < 0) return kind as GalaxyKind;
  }
  return 'non-rotating';
}

/**
 * Draws the parameters of an analytic galaxy of the requested population under the given nuisance
 * (drawn from {@link drawNuisance} when absent). Only the kinematics depend on the population: the kind,
 * its rotation amplitude as a ratio to the central σ ({@link V_OVER_SIGMA_RANGES}), its turnover and
 * misalignment. Size, profile, ε, PA, PSF, S/N and the σ level (nuisance.sigmaScaleKms) are the nuisance's.
 */
export function drawGalaxyParams(
  population: Population,
  catid: string,
  rng: Rng,
  nuisance: Nuisance = drawNuisance(rng),
): GalaxyParams {
  const kind: GalaxyKind = population === 'fast' ? 'disc' : pickSlowKind(rng);
  const re = nuisance.reArcsec;
  const sigmaCentre = nuisance.sigmaScaleKms;
  const [lo, hi] = V_OVER_SIGMA_RANGES[kind];
  const vAmp = sigmaCentre * rng.uniform(lo, hi);
  const base: GalaxyParams = {
    catid,
    kind,
    reArcsec: re,
    ellipticity: nuisance.ellipticity,
    paDeg: nuisance.paDeg,
    sersicN: nuisance.sersicN,
    dxPx: nuisance.dxPx,
    dyPx: nuisance.dyPx,
    psfFwhmArcsec: nuisance.psfFwhmArcsec,
    snAtRe: nuisance.snAtRe,
    fluxAtRe: nuisance.fluxAtRe,
    noiseCorrPx: nuisance.noiseCorrPx,
    zPpxf: nuisance.zPpxf,
    vAmp,
    rTurnArcsec: re * rng.uniform(0.15, 0.5),
    kinPaOffsetDeg: 0,
    discThickness: rng.uniform(0.15, 0.35),
    sigmaCentre,
    sigmaOuter: sigmaCentre * rng.uniform(0.5, 0.8),
    sigmaScaleArcsec: re * rng.uniform(0.3, 1.5),
    coreRadiusArcsec: 0,
    outerAmp: 0,
  };
  switch (kind) {
    case 'disc':
      return { ...base, kinPaOffsetDeg: rng.normal() * 4 };
    case 'non-rotating':
      return { ...base, kinPaOffsetDeg: rng.uniform(-90, 90) };
    case 'kdc':
      return {
        ...base,
        rTurnArcsec: rng.uniform(0.4, 1.0),
        coreRadiusArcsec: rng.uniform(1.5, 3.0),
        outerAmp: sigmaCentre * rng.uniform(0, 0.08),
        kinPaOffsetDeg: rng.uniform(-90, 90),
      };
    case 'counter-rotating':
      return { ...base, coreRadiusArcsec: re * rng.uniform(0.4, 0.8), outerAmp: rng.uniform(1.4, 2.0) };
    case 'prolate':
      return base;
    default:
      return { ...base, kinPaOffsetDeg: rng.uniform(30, 90) * (rng.next() < 0.5 ? -1 : 1) };
  }
}
