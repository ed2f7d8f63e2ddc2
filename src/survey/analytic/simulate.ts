import type { Rng } from '../../maps/random.ts';
import type { MockGalaxy } from '../family.ts';
import { convolveSeparable, FWHM_TO_SIGMA, gaussianKernel } from '../psf.ts';
import type { GalaxyParams } from './kinds.ts';

/** SAMI grid: 50 × 50 spaxels of 0.5″. */
export const SAMI_GRID = { width: 50, height: 50, pixelScaleArcsec: 0.5 } as const;
/** SAMI hexabundle: 61 fibres covering a 15″ diameter disc. */
export const HEXABUNDLE_RADIUS_ARCSEC = 7.5;
/** Continuum S/N threshold of the stellar kinematic fits (Croom et al. 2021). */
export const SN_CUT = 3;
/** SAMI blue-arm instrumental dispersion (R ≈ 1800), km/s. */
export const SIGMA_INSTRUMENT_KMS = 70;

/** An analytic mock: the SAMI planes, its truth, and the parameters it was rendered from. */
export interface AnalyticGalaxy extends MockGalaxy {
  params: GalaxyParams;
}

/** Sérsic b_n (Ciotti & Bertin 1999 asymptotic expansion). */
export function sersicB(n: number): number {
  return 2 * n - 1 / 3 + 4 / (405 * n) + 46 / (25515 * n * n);
}

const atanCurve = (r: number, rt: number): number => (2 / Math.PI) * Math.atan(r / Math.max(rt, 1e-3));

/**
 * Intrinsic (before PSF) line-of-sight velocity and dispersion at sky offset (u, v) in arcsec along the
 * photometric major/minor axes, plus the fraction used to mix two components for 2σ galaxies.
 * Returns the first moment V and the second moment V² + σ² so components add linearly in flux.
 */
function kinematicsAt(p: GalaxyParams, u: number, v: number): { vel: number; m2: number } {
  const q = 1 - p.ellipticity;
  const rCirc = Math.sqrt(u * u + v * v);
  const sigma = p.sigmaOuter + (p.sigmaCentre - p.sigmaOuter) * Math.exp(-rCirc / p.sigmaScaleArcsec);
  const off = (p.kinPaOffsetDeg * Math.PI) / 180;
  // kinematic frame rotated by the misalignment
  const uk = u * Math.cos(off) + v * Math.sin(off);
  const vk = -u * Math.sin(off) + v * Math.cos(off);
  switch (p.kind) {
    case 'disc': {
      const rd = Math.sqrt(uk * uk + (vk / q) ** 2);
      const vel = rd > 0 ? (p.vAmp * atanCurve(rd, p.rTurnArcsec) * uk) / rd : 0;
      return { vel, m2: vel * vel + sigma * sigma };
    }
    case 'non-rotating':
    case 'weak-misaligned': {
      const vel = rCirc > 0 ? (p.vAmp * atanCurve(rCirc, p.rTurnArcsec) * uk) / rCirc : 0;
      return { vel, m2: vel * vel + sigma * sigma };
    }
    case 'kdc': {
      const core = Math.exp(-((rCirc / p.coreRadiusArcsec) ** 2));
      const cosPhi = rCirc > 0 ? uk / rCirc : 0;
      const inner = p.vAmp * atanCurve(rCirc, p.rTurnArcsec) * core;
      const outer = -p.outerAmp * atanCurve(rCirc, 2 * p.coreRadiusArcsec) * (1 - core);
      const vel = (inner + outer) * cosPhi;
      return { vel, m2: vel * vel + sigma * sigma };
    }
    case 'counter-rotating': {
      // two co-spatial counter-rotating exponential discs; the second is more extended
      const rd = Math.sqrt(uk * uk + (vk / q) ** 2);
      const h1 = p.coreRadiusArcsec;
      const h2 = h1 * p.outerAmp;
      const l1 = Math.exp(-rd / h1);
      const l2 = 0.6 * Math.exp(-rd / h2) * (h1 / h2) ** -0.2;
      const rot = rd > 0 ? (p.vAmp * atanCurve(rd, p.rTurnArcsec) * uk) / rd : 0;
      const vel = ((l1 - l2) / (l1 + l2)) * rot;
      return { vel, m2: rot * rot + sigma * sigma };
    }
    case 'prolate': {
      // rotation about the photometric major axis: the gradient runs along the minor axis
      const vel = p.vAmp * atanCurve(vk, p.rTurnArcsec) * Math.exp(-((uk / (2.5 * p.reArcsec)) ** 2));
      return { vel, m2: vel * vel + sigma * sigma };
    }
  }
}

/** Unit-variance Gaussian noise on the grid, smoothed by a Gaussian of σ = corrPx pixels when > 0. */
function unitNoise(rng: Rng, corrPx: number): Float64Array {
  const { width, height } = SAMI_GRID;
  const white = new Float64Array(width * height);
  for (let i = 0; i < white.length; i++) white[i] = rng.normal();
  if (!(corrPx > 0)) return white;
  const k = gaussianKernel(corrPx);
  let k2 = 0;
  for (let j = 0; j < k.length; j++) k2 += k[j] * k[j];
  const out = convolveSeparable(white, width, height, k);
  for (let i = 0; i < out.length; i++) out[i] /= k2;
  return out;
}

/**
 * Renders one galaxy on the SAMI grid as a SAMI DR3 two-moment product would show it:
 * Sérsic flux, flux-weighted PSF blurring of the first two moments (beam smearing), S/N ∝ F^0.7
 * normalised at Re, noise from the S/N (Gaussian-correlated over `noiseCorrPx` when > 0), and NaN
 * outside the hexabundle or below S/N 3.
 */
export function simulateGalaxy(params: GalaxyParams, rng: Rng): AnalyticGalaxy {
  const { width, height, pixelScaleArcsec: scale } = SAMI_GRID;
  const n = width * height;
  const xc = (width - 1) / 2 + params.dxPx;
  const yc = (height - 1) / 2 + params.dyPx;
  const pa = (params.paDeg * Math.PI) / 180;
  const sinPa = Math.sin(pa);
  const cosPa = Math.cos(pa);
  const q = 1 - params.ellipticity;
  const bn = sersicB(params.sersicN);
  const flux0 = new Float64Array(n);
  const fv = new Float64Array(n);
  const fm2 = new Float64Array(n);
  for (let r = 0; r < height; r++) {
    for (let c = 0; c < width; c++) {
      const i = r * width + c;
      const x = (c - xc) * scale;
      const y = (r - yc) * scale;
      const u = -x * sinPa + y * cosPa;
      const v = -x * cosPa - y * sinPa;
      const rEll = Math.max(Math.sqrt(u * u + (v / q) ** 2), 0.25 * scale);
      const f = params.fluxAtRe * Math.exp(-bn * ((rEll / params.reArcsec) ** (1 / params.sersicN) - 1));
      const k = kinematicsAt(params, u, v);
      flux0[i] = f;
      fv[i] = f * k.vel;
      fm2[i] = f * k.m2;
    }
  }
  const kernel = gaussianKernel((params.psfFwhmArcsec * FWHM_TO_SIGMA) / scale);
  const fluxB = convolveSeparable(flux0, width, height, kernel);
  const fvB = convolveSeparable(fv, width, height, kernel);
  const fm2B = convolveSeparable(fm2, width, height, kernel);

  const noiseV = unitNoise(rng, params.noiseCorrPx);
  const noiseS = unitNoise(rng, params.noiseCorrPx);
  const noiseF = unitNoise(rng, params.noiseCorrPx);
  const velocity = new Float64Array(n);
  const dispersion = new Float64Array(n);
  const flux = new Float64Array(n);
  const velocityError = new Float64Array(n);
  const dispersionError = new Float64Array(n);
  const snr = new Float64Array(n);
  const fluxError = new Float64Array(n);
  const valid = new Uint8Array(n);
  const bundleR = HEXABUNDLE_RADIUS_ARCSEC / scale;
  const gc = { x: (width - 1) / 2, y: (height - 1) / 2 };
  for (let i = 0; i < n; i++) {
    const r = (i / width) | 0;
    const c = i - r * width;
    const f = fluxB[i];
    const sn = params.snAtRe * Math.max(f / params.fluxAtRe, 0) ** 0.7;
    const inBundle = (c - gc.x) ** 2 + (r - gc.y) ** 2 <= bundleR * bundleR;
    if (!inBundle || !(sn >= SN_CUT) || !(f > 0)) {
      velocity[i] =
        dispersion[i] =
        flux[i] =
        velocityError[i] =
        dispersionError[i] =
        snr[i] =
        fluxError[i] =
          Number.NaN;
      continue;
    }
    const vTrue = fvB[i] / f;
    const sTrue = Math.sqrt(Math.max(fm2B[i] / f - vTrue * vTrue, 1));
    // pPXF errors scale with the line width, instrumental resolution included, over the S/N
    const lineWidth = Math.sqrt(sTrue * sTrue + SIGMA_INSTRUMENT_KMS * SIGMA_INSTRUMENT_KMS);
    const vErr = Math.max(2, lineWidth / sn);
    const sErr = Math.max(2, (1.2 * lineWidth) / sn);
    velocity[i] = vTrue + vErr * noiseV[i];
    dispersion[i] = Math.max(5, sTrue + sErr * noiseS[i]);
    velocityError[i] = vErr;
    dispersionError[i] = sErr;
    snr[i] = sn;
    fluxError[i] = f / sn;
    flux[i] = f + fluxError[i] * noiseF[i];
    valid[i] = 1;
  }
  return {
    galaxyId: params.catid,
    survey: 'synthetic',
    width,
    height,
    pixelScaleArcsec: scale,
    velocity,
    dispersion,
    flux,
    velocityError,
    dispersionError,
    snr,
    fluxError,
    valid,
    source: { velocityFile: `${params.catid}_A_stellar-velocity_default_two-moment.fits` },
    family: 'analytic',
    kind: params.kind,
    truth: {
      xcPx: xc,
      ycPx: yc,
      ellipticity: params.ellipticity,
      paDeg: params.paDeg,
      reArcsec: params.reArcsec,
    },
    zPpxf: params.zPpxf,
    params,
  };
}
