/**
 * The contract between the survey writer (generate.ts) and a generator family.
 *
 * galspin has two independently written families of SAMI-like mocks, so that a model trained on one
 * can be judged on the other (cross-generator validation):
 * - `analytic` (./analytic/): smooth analytic velocity and dispersion fields rendered on the grid;
 * - `particle` (./particle/): stars drawn from dynamical models, projected, binned into spaxels.
 *
 * Both take their nuisance properties (size, profile, S/N, PSF, centring, systemic offset, noise,
 * defects) from ONE distribution for both classes (./nuisance.ts), so only the kinematics can tell a
 * fast rotator from a slow one. Each family renders its own noise and PSF with its own code.
 */
import type { Rng } from '../maps/random.ts';
import type { KinematicMap } from '../maps/types.ts';

export type GeneratorFamily = 'analytic' | 'particle';
export const GENERATOR_FAMILIES: readonly GeneratorFamily[] = ['analytic', 'particle'];

/** The population a candidate is drawn from (its label still comes from the measured λRe, ε). */
export type Population = 'fast' | 'slow';

/**
 * What imaging photometry would give (SAMI takes it from MGE fits to imaging): the ellipse in which
 * the label's λRe is measured. Pixel coordinates on the 50 × 50 grid, 0-based (col, row).
 */
export interface PhotometricTruth {
  xcPx: number;
  ycPx: number;
  /** 1 − b/a of the projected light. */
  ellipticity: number;
  /** Degrees, convention of src/maps/geometry.ts. */
  paDeg: number;
  /** Effective (half-light) semi-major axis, arcsec. */
  reArcsec: number;
}

/**
 * Nuisance properties of one mock, drawn by ./nuisance.ts from a distribution that does not depend
 * on the population. Families use what applies to their physics (the particle family, for example,
 * gets its ellipticity from its intrinsic shape and viewing angle, and ignores `ellipticity`).
 */
export interface Nuisance {
  /** Effective semi-major axis, arcsec. */
  reArcsec: number;
  /** Sérsic index of the light profile. */
  sersicN: number;
  /** Projected ellipticity the analytic family renders. */
  ellipticity: number;
  /** Photometric PA, degrees. */
  paDeg: number;
  /** Continuum S/N per Å at Re. */
  snAtRe: number;
  /** Flux at Re, 1e-16 erg/s/cm²/Å/spaxel. */
  fluxAtRe: number;
  /** Gaussian PSF FWHM, arcsec. */
  psfFwhmArcsec: number;
  /** Galaxy centre offset from the grid centre, pixels. */
  dxPx: number;
  dyPx: number;
  /** Residual systemic velocity added to every spaxel, km/s (a wrong redshift). */
  vSysOffsetKms: number;
  /** Gaussian correlation length of the noise, pixels (0 = white). */
  noiseCorrPx: number;
  /** Fraction of valid spaxels replaced by wild values (hot spaxels). */
  hotFraction: number;
  /** Fraction of valid spaxels set to NaN (dead spaxels). */
  deadFraction: number;
  /** An extra masked disc (foreground star, bad fibre), or none. */
  mask?: { xPx: number; yPx: number; radiusPx: number };
  /** Central stellar velocity dispersion scale, km/s (the same distribution for both classes). */
  sigmaScaleKms: number;
  zPpxf: number;
}

/** One rendered mock: the SAMI DR3 planes, its family and true kind, and its photometric truth. */
export interface MockGalaxy extends KinematicMap {
  dispersion: Float64Array;
  flux: Float64Array;
  velocityError: Float64Array;
  dispersionError: Float64Array;
  snr: Float64Array;
  fluxError: Float64Array;
  family: GeneratorFamily;
  /** True physical kind (family-specific names, e.g. 'disc', 'prolate', 'kdc'). */
  kind: string;
  truth: PhotometricTruth;
  zPpxf: number;
}

/** A generator family: renders a galaxy of a population under the given nuisance. */
export interface Family {
  readonly name: GeneratorFamily;
  /** Kinds each population is drawn from. */
  readonly kinds: { readonly fast: readonly string[]; readonly slow: readonly string[] };
  simulate(population: Population, catid: string, nuisance: Nuisance, rng: Rng): MockGalaxy;
}
