/**
 * Observing the particle family's moment maps as a SAMI DR3 two-moment product (Croom et al. 2021,
 * MNRAS 505, 991; van de Sande et al. 2017, ApJ 835, 104): seeing, footprint, S/N and noise.
 *
 * - Seeing: a circular Gaussian PSF of the given FWHM, integrated over each 0.5″ spaxel (erf kernel),
 *   applied to the light-weighted moment maps Σ, Σv, Σv² so V and σ are beam-smeared as in real data.
 * - S/N per Å ∝ (flux)^0.5 (sky/read-noise-free photon statistics), normalised to `snAtRe` at the
 *   surface brightness at Re.
 * - Errors: VEL_ERR = c √(σ² + σ_inst²) / (S/N), σ_inst = 70 km/s, c per galaxy in [0.8, 1];
 *   SIG_ERR = k VEL_ERR, k per galaxy in [1.1, 1.3]; V, σ and the flux are perturbed by Gaussian noise of
 *   those sizes, spatially correlated (Gaussian of σ = noiseCorrPx pixels) when asked.
 * - Footprint: NaN in every plane outside the 7.5″-radius hexabundle about the grid centre, and where
 *   S/N < 3.
 */
import type { Rng } from '../../maps/random.ts';
import type { MomentMaps } from './project.ts';

/** SAMI blue-arm instrumental dispersion, km/s (R ≈ 1800 at 4000–5000 Å). */
export const SIGMA_INST_KMS = 70;
/** Continuum S/N per Å below which no kinematics are given. */
export const MIN_SN = 3;
/** Hexabundle radius, arcsec (61 fibres, 15″ across). */
export const BUNDLE_RADIUS_ARCSEC = 7.5;

/** 2.3548…: FWHM / σ of a Gaussian. */
const FWHM_PER_SIGMA = 2 * Math.sqrt(2 * Math.LN2);

/** erf, Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7). */
export function erf(x: number): number {
  const s = x < 0 ? -1 : 1;
  const a = Math.abs(x);
  const t = 1 / (1 + 0.3275911 * a);
  const y =
    1 -
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) *
      t *
      Math.exp(-a * a);
  return s * y;
}

/**
 * 1-D kernel of a Gaussian of σ `sigmaPx` pixels integrated over unit pixels, truncated at ±4σ (at least
 * ±1 pixel) and normalised to unit sum. Index `half` is the central pixel.
 */
export function pixelGaussian(sigmaPx: number): { weights: Float64Array; half: number } {
  if (!(sigmaPx > 0)) return { weights: Float64Array.of(1), half: 0 };
  const half = Math.max(1, Math.ceil(4 * sigmaPx));
  const weights = new Float64Array(2 * half + 1);
  const k = 1 / (Math.SQRT2 * sigmaPx);
  let sum = 0;
  for (let i = -half; i <= half; i++) {
    const w = 0.5 * (erf((i + 0.5) * k) - erf((i - 0.5) * k));
    weights[i + half] = w;
    sum += w;
  }
  for (let i = 0; i < weights.length; i++) weights[i] /= sum;
  return { weights, half };
}

/**
 * Convolves a row-major width × height image with the separable kernel (rows, then columns); outside the
 * image counts as zero, so light spilling over the edge is lost, as on a detector.
 */
export function convolveImage(
  img: Float64Array,
  width: number,
  height: number,
  kernel: { weights: Float64Array; half: number },
): Float64Array {
  const { weights, half } = kernel;
  if (half === 0) return img.slice();
  const tmp = new Float64Array(width * height);
  const out = new Float64Array(width * height);
  for (let r = 0; r < height; r++) {
    const row = r * width;
    for (let c = 0; c < width; c++) {
      const v = img[row + c];
      if (v === 0) continue;
      // scatter: each pixel spreads its value along the row
      const lo = Math.max(0, c - half);
      const hi = Math.min(width - 1, c + half);
      for (let cc = lo; cc <= hi; cc++) tmp[row + cc] += v * weights[cc - c + half];
    }
  }
  for (let r = 0; r < height; r++) {
    const lo = Math.max(0, r - half);
    const hi = Math.min(height - 1, r + half);
    for (let c = 0; c < width; c++) {
      const v = tmp[r * width + c];
      if (v === 0) continue;
      for (let rr = lo; rr <= hi; rr++) out[rr * width + c] += v * weights[rr - r + half];
    }
  }
  return out;
}

/** Applies a Gaussian PSF of FWHM `fwhmArcsec` to the three moment maps. */
export function seeMoments(m: MomentMaps, fwhmArcsec: number, pixelScaleArcsec: number): MomentMaps {
  const kernel = pixelGaussian(fwhmArcsec / FWHM_PER_SIGMA / pixelScaleArcsec);
  return {
    width: m.width,
    height: m.height,
    light: convolveImage(m.light, m.width, m.height, kernel),
    lightV: convolveImage(m.lightV, m.width, m.height, kernel),
    lightV2: convolveImage(m.lightV2, m.width, m.height, kernel),
  };
}

/**
 * A unit-variance Gaussian noise field on the grid; with corrPx > 0, white noise on a grid padded by
 * 4 corrPx is smoothed with a Gaussian of σ = corrPx pixels and divided by √Σ kernel² (so every spaxel
 * has unit variance, edges included), then cropped.
 */
export function noiseField(width: number, height: number, corrPx: number, rng: Rng): Float64Array {
  if (!(corrPx > 0)) {
    const out = new Float64Array(width * height);
    for (let i = 0; i < out.length; i++) out[i] = rng.normal();
    return out;
  }
  const kernel = pixelGaussian(corrPx);
  const pad = kernel.half;
  const w = width + 2 * pad;
  const h = height + 2 * pad;
  const white = new Float64Array(w * h);
  for (let i = 0; i < white.length; i++) white[i] = rng.normal();
  const smooth = convolveImage(white, w, h, kernel);
  let s2 = 0;
  for (const k of kernel.weights) s2 += k * k;
  const norm = 1 / s2; // separable: Σ_ij (k_i k_j)² = (Σ k_i²)²; divide by its square root
  const out = new Float64Array(width * height);
  for (let r = 0; r < height; r++) {
    for (let c = 0; c < width; c++) out[r * width + c] = smooth[(r + pad) * w + c + pad] * norm;
  }
  return out;
}

/** The observed planes (NaN outside the footprint). */
export interface ObservedPlanes {
  velocity: Float64Array;
  dispersion: Float64Array;
  flux: Float64Array;
  velocityError: Float64Array;
  dispersionError: Float64Array;
  snr: Float64Array;
  fluxError: Float64Array;
  valid: Uint8Array;
}

export interface ObserveOptions {
  pixelScaleArcsec: number;
  /** Continuum S/N per Å at the surface brightness at Re. */
  snAtRe: number;
  /** Seen light per spaxel (same units as the moment maps) at Re, before the PSF: S/N's reference. */
  lightAtRe: number;
  /** Flux (survey units) of a spaxel with light `lightAtRe`. */
  fluxAtRe: number;
  /** Noise correlation length, pixels (0 = white). */
  noiseCorrPx: number;
}

/**
 * Turns seen moment maps into SAMI planes: V = Σv/Σ, σ = √(Σv²/Σ − V²), S/N = snAtRe √(Σ / lightAtRe),
 * errors and noise as in the module note, footprint cuts. Draws c, k and three noise fields from `rng`.
 */
export function observe(seen: MomentMaps, opts: ObserveOptions, rng: Rng): ObservedPlanes {
  const { width, height } = seen;
  const n = width * height;
  const c = rng.uniform(0.8, 1);
  const k = rng.uniform(1.1, 1.3);
  const nv = noiseField(width, height, opts.noiseCorrPx, rng);
  const ns = noiseField(width, height, opts.noiseCorrPx, rng);
  const nf = noiseField(width, height, opts.noiseCorrPx, rng);
  const velocity = new Float64Array(n);
  const dispersion = new Float64Array(n);
  const flux = new Float64Array(n);
  const velocityError = new Float64Array(n);
  const dispersionError = new Float64Array(n);
  const snr = new Float64Array(n);
  const fluxError = new Float64Array(n);
  const valid = new Uint8Array(n);
  const xc = (width - 1) / 2;
  const yc = (height - 1) / 2;
  const rb = BUNDLE_RADIUS_ARCSEC / opts.pixelScaleArcsec;
  const fluxPerLight = opts.fluxAtRe / opts.lightAtRe;
  for (let i = 0; i < n; i++) {
    const r = (i / width) | 0;
    const col = i - r * width;
    const L = seen.light[i];
    const sn = L > 0 ? opts.snAtRe * Math.sqrt(L / opts.lightAtRe) : 0;
    if ((col - xc) ** 2 + (r - yc) ** 2 > rb * rb || !(sn >= MIN_SN)) {
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
    const v = seen.lightV[i] / L;
    const sig = Math.sqrt(Math.max(seen.lightV2[i] / L - v * v, 0));
    const ve = (c * Math.sqrt(sig * sig + SIGMA_INST_KMS * SIGMA_INST_KMS)) / sn;
    const se = k * ve;
    const f = L * fluxPerLight;
    velocity[i] = v + ve * nv[i];
    // a fit cannot return a negative width: reflect at zero
    dispersion[i] = Math.abs(sig + se * ns[i]);
    velocityError[i] = ve;
    dispersionError[i] = se;
    snr[i] = sn;
    fluxError[i] = f / sn;
    flux[i] = f + fluxError[i] * nf[i];
    valid[i] = 1;
  }
  return { velocity, dispersion, flux, velocityError, dispersionError, snr, fluxError, valid };
}
