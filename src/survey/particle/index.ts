/**
 * The particle generator family (SimSpin-like; Harborne, Power & Robotham 2020, PASA 37, e016): stars
 * drawn from a dynamical model (./models.ts), seen from a random direction and binned into the SAMI
 * grid (./project.ts), blurred, cut and made noisy as a SAMI DR3 product (./observe.ts), with the
 * photometric ellipse measured from the stars (./truth.ts).
 *
 * This is an independent code path from the analytic family (../simulate.ts): other light profile
 * (deprojected Sérsic particles), other kinematics (3-D streaming + random motions, line-of-sight
 * integration), other PSF code (pixel-integrated erf kernel), other noise model (S/N ∝ flux^0.5).
 * The survey writer applies vSysOffsetKms, hot/dead spaxels and masks afterwards; they are not applied here.
 */
import type { Rng } from '../../maps/random.ts';
import type { Family, MockGalaxy, Nuisance, PhotometricTruth, Population } from '../family.ts';
import {
  assignVelocities,
  drawKind,
  drawModel,
  FAST_KINDS,
  type ParticleKind,
  type ParticleModel,
  SLOW_KINDS,
  samplePositions,
  scalePositions,
} from './models.ts';
import { observe, seeMoments } from './observe.ts';
import {
  binMoments,
  lineOfSight,
  projectPositions,
  type Rotation,
  randomRotation,
  rollAndScale,
  rotationWithLineOfSight,
} from './project.ts';
import { ellipsoidProjection, measureProjectedShape, type ProjectedShape } from './truth.ts';

export type { ParticleKind, ParticleModel } from './models.ts';
export { drawModel, FAST_KINDS, SLOW_KINDS } from './models.ts';

/** SAMI grid of the particle family: 50 × 50 spaxels of 0.5″. */
export const PARTICLE_GRID = { width: 50, height: 50, pixelScaleArcsec: 0.5 } as const;
/** Default number of stars per galaxy. */
export const DEFAULT_PARTICLES = 60_000;
/** Projected ellipticity the survey writer needs for labeled galaxies; the Family retries views above it. */
export const FAMILY_MAX_ELLIPTICITY = 0.4;
/** Viewing directions tried before settling for the roundest one seen. */
export const DEFAULT_VIEW_TRIES = 30;

export interface ParticleOptions {
  /**
   * Retry the (isotropic) viewing direction while the projected ellipticity is ≥ this (screened with the
   * exact projection of the ellipsoid, confirmed on the stars), up to `maxTries` times, keeping the
   * roundest view if none qualifies. Default: no limit (one isotropic draw). The
   * result is then isotropic conditioned on ε < maxEllipticity, which for flat discs favours low
   * inclinations, as a survey selecting ε < 0.4 would.
   */
  maxEllipticity?: number;
  /** Default {@link DEFAULT_VIEW_TRIES}. */
  maxTries?: number;
  /** Force the kind (default: drawn from the population). */
  kind?: ParticleKind;
  /** Use this model instead of drawing one (its kind wins over `kind`). */
  model?: ParticleModel;
  /** Fixed line of sight as an intrinsic-frame direction, e.g. [0, 1, 0] sees an oblate body edge-on. */
  lineOfSight?: readonly [number, number, number];
  /** Default {@link DEFAULT_PARTICLES}. */
  nParticles?: number;
}

/** A particle mock plus how it was made. */
export interface ParticleGalaxy extends MockGalaxy {
  model: ParticleModel;
  /** Angle between the line of sight and the intrinsic short (z) axis, degrees (90 = edge-on). */
  inclinationDeg: number;
}

/**
 * Renders one galaxy of the population: model, stars, view, projection scaled so the projected
 * half-light semi-major axis is nuisance.reArcsec, roll to nuisance.paDeg, centre offset (dxPx, dyPx),
 * binning, PSF, S/N, noise and footprint. Deterministic for a given rng state.
 */
export function simulateParticleGalaxy(
  population: Population,
  catid: string,
  nuisance: Nuisance,
  rng: Rng,
  opts: ParticleOptions = {},
): ParticleGalaxy {
  const { width, height, pixelScaleArcsec: scale } = PARTICLE_GRID;
  const kind = opts.model?.kind ?? opts.kind ?? drawKind(population, rng);
  const model =
    opts.model ?? drawModel(kind, nuisance.sersicN, nuisance.sigmaScaleKms, nuisance.reArcsec, rng);
  const n = Math.max(1000, Math.round(opts.nParticles ?? DEFAULT_PARTICLES));
  const pos = samplePositions(model, n, rng);

  const X = new Float64Array(n);
  const Y = new Float64Array(n);
  const scratch = new Float64Array(n);
  let R: Rotation;
  let shape: ProjectedShape;
  const measure = (Rt: Rotation): ProjectedShape => {
    projectPositions(pos, Rt, X, Y);
    return measureProjectedShape(X, Y, { scratch, guess: ellipsoidProjection(Rt, model.p, model.q) });
  };
  if (opts.lineOfSight) {
    R = rotationWithLineOfSight(opts.lineOfSight);
    shape = measure(R);
  } else {
    // screen views with the exact projected shape of the ellipsoid (cheap), confirm on the stars
    const maxE = opts.maxEllipticity ?? Number.POSITIVE_INFINITY;
    const tries = Math.max(1, opts.maxTries ?? DEFAULT_VIEW_TRIES);
    let best: { R: Rotation; e: number } | undefined;
    let found: { R: Rotation; shape: ProjectedShape } | undefined;
    for (let t = 0; t < tries && !found; t++) {
      const Rt = randomRotation(rng);
      const e = ellipsoidProjection(Rt, model.p, model.q).ellipticity;
      if (!best || e < best.e) best = { R: Rt, e };
      if (e < maxE) {
        const s = measure(Rt);
        if (s.ellipticity < maxE) found = { R: Rt, shape: s };
      }
    }
    // best is set: tries ≥ 1
    R = found ? found.R : best!.R;
    shape = found ? found.shape : measure(R);
  }

  // model units → arcsec, major axis to the wanted PA
  const toArcsec = nuisance.reArcsec / shape.re;
  const targetTheta = ((nuisance.paDeg + 90) * Math.PI) / 180;
  rollAndScale(X, Y, targetTheta - shape.thetaRad, toArcsec);
  scalePositions(pos, toArcsec);
  const vLos = lineOfSight(assignVelocities(model, pos, rng), R);

  const q = 1 - shape.ellipticity;
  const reArcsec = shape.re * toArcsec;
  const lightAtRe = surfaceDensityAt(X, Y, targetTheta, q, reArcsec) * scale * scale;

  const xc = (width - 1) / 2 + nuisance.dxPx;
  const yc = (height - 1) / 2 + nuisance.dyPx;
  const moments = binMoments(X, Y, vLos, { width, height, pixelScaleArcsec: scale, xc, yc });
  const seen = seeMoments(moments, nuisance.psfFwhmArcsec, scale);
  const planes = observe(
    seen,
    {
      pixelScaleArcsec: scale,
      snAtRe: nuisance.snAtRe,
      lightAtRe,
      fluxAtRe: nuisance.fluxAtRe,
      noiseCorrPx: nuisance.noiseCorrPx,
    },
    rng,
  );
  const truth: PhotometricTruth = {
    xcPx: xc,
    ycPx: yc,
    ellipticity: shape.ellipticity,
    paDeg: nuisance.paDeg,
    reArcsec,
  };
  const zAxisLos = Math.min(1, Math.abs(R[8]));
  return {
    galaxyId: catid,
    survey: 'synthetic',
    width,
    height,
    pixelScaleArcsec: scale,
    ...planes,
    source: { velocityFile: `${catid}_A_stellar-velocity_default_two-moment.fits` },
    family: 'particle',
    kind: model.kind,
    truth,
    zPpxf: nuisance.zPpxf,
    model,
    inclinationDeg: (Math.acos(zAxisLos) * 180) / Math.PI,
  };
}

/**
 * Stars per arcsec² at elliptical radius `re` (ellipse of axis ratio q, major axis at angle theta from
 * +X), from the count in the annulus 0.85–1.15 re.
 */
function surfaceDensityAt(X: Float64Array, Y: Float64Array, theta: number, q: number, re: number): number {
  const c = Math.cos(theta);
  const s = Math.sin(theta);
  const lo2 = (0.85 * re) ** 2;
  const hi2 = (1.15 * re) ** 2;
  let count = 0;
  for (let i = 0; i < X.length; i++) {
    const u = X[i] * c + Y[i] * s;
    const w = (-X[i] * s + Y[i] * c) / q;
    const r2 = u * u + w * w;
    if (r2 >= lo2 && r2 < hi2) count++;
  }
  return Math.max(count, 1) / (Math.PI * q * (hi2 - lo2));
}

/**
 * The particle family. `simulate` draws the kind from the population and retries the viewing direction
 * (up to {@link DEFAULT_VIEW_TRIES} times) until the projected ε < {@link FAMILY_MAX_ELLIPTICITY}, for
 * both populations, so that labeled galaxies are not lost to the ε cut.
 */
export const particleFamily: Family = {
  name: 'particle',
  kinds: { fast: FAST_KINDS, slow: SLOW_KINDS },
  simulate(population, catid, nuisance, rng) {
    return simulateParticleGalaxy(population, catid, nuisance, rng, {
      maxEllipticity: FAMILY_MAX_ELLIPTICITY,
    });
  },
};
