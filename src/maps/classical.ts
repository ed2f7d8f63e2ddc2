/**
 * The classical spin–ellipticity measurement: λRe and εe of one galaxy from its stellar kinematic
 * maps, after quality cuts and hot-spaxel rejection (./quality.ts), and its fast/slow class by a
 * λRe–ε rule (./rules.ts).
 *
 * References: Emsellem et al. 2007 (MNRAS 379, 401) eq. 6 for λR; Emsellem et al. 2011 (MNRAS 414,
 * 888) Sect. 3.2 and Cappellari et al. 2007 (MNRAS 379, 418) Sect. 3.3 for the moment ellipse;
 * Cappellari 2016 (ARA&A 54, 597) eq. 19 for the rule; van de Sande et al. 2017 (MNRAS 835, 104) for
 * the SAMI measurement inside the Re ellipse.
 */

import type { Ellipse } from './geometry.ts';
import { measureKinematics } from './lambda-r.ts';
import { halfLightRadius, momentEllipse } from './photometry.ts';
import { type CleanKinematics, cleanKinematics } from './quality.ts';
import { classifyRotator, type RotatorRule } from './rules.ts';
import type { KinematicMap } from './types.ts';

/** Options of {@link measureSpinEllipticity}. */
export interface SpinEllipticityOptions {
  /** Rule for the class; default 'cappellari2016'. */
  rule?: RotatorRule;
  /** Fewest cleaned spaxels inside the Re ellipse for a measurement; default 20. */
  minSpaxels?: number;
  /**
   * Factor applied to the half-light semi-major axis measured on the map before λRe is taken inside
   * it; default {@link RE_SCALE}. See there for why it is not 1.
   */
  reScale?: number;
  /**
   * FWHM of the (Gaussian) PSF, arcsec, whose variance is removed from the flux second moments before
   * ε is taken; default {@link DEFAULT_PSF_FWHM_ARCSEC}; 0 turns the correction off.
   */
  psfFwhmArcsec?: number;
  /** {@link cleanKinematics} of this map when the caller already has it (ingest also builds the network input from it). */
  clean?: CleanKinematics;
}

/**
 * PSF FWHM assumed when none is given: 2″, about SAMI's median seeing (Croom et al. 2021). Seeing
 * rounds the isophotes; without the correction ε came out 0.12 low (median) on the synthetic maps.
 */
export const DEFAULT_PSF_FWHM_ARCSEC = 2;

/**
 * Default scale of the map's half-light radius: 1.3. The half-light ellipse of the observed flux is a
 * lower bound on Re — the field (SAMI's 15″ hexabundle) truncates the galaxy and SAMI's Re comes from
 * imaging — and λR grows outwards in fast rotators, so a too-small aperture (and beam smearing) pushes
 * them towards the slow region. On 300 synthetic SAMI-like maps (Re 1.5–9″, PSF 1.6–3.1″, S/N 3–25,
 * labels by Cappellari 2016 inside the true Re ellipse) the accuracy was 0.893 / 0.897 / 0.923 / 0.920
 * at 1 / 1.15 / 1.3 / 1.5. It is a correction tuned on our own generator: re-check on real SAMI Re.
 */
export const RE_SCALE = 1.3;

/** A measurement of λRe and εe. Angles in degrees (./geometry.ts convention), lengths as named. */
export interface SpinEllipticity {
  ok: true;
  /** λR inside the Re ellipse (Emsellem et al. 2007, eq. 6), velocities relative to `systemicKms`. */
  lambdaRe: number;
  /** ε = 1 − b/a of the flux second moments inside ~2.5 Re. */
  ellipticity: number;
  paDeg: number;
  /** Semi-major axis of the aperture used for λRe, arcsec. */
  reArcsec: number;
  /** Photometric centre (pixels: column, row). */
  xc: number;
  yc: number;
  /** Systemic velocity removed from V, km/s. */
  systemicKms: number;
  /** Cleaned spaxels that entered λRe, and their fraction of the spaxel centres in the ellipse. */
  nSpaxels: number;
  coverage: number;
  rule: RotatorRule;
  class: 'fast' | 'slow';
  /** Spaxels removed by the quality cuts and by the outlier rejection. */
  rejected: { quality: number; outliers: number };
}

/** Why a map could not be measured. */
export interface SpinEllipticityFailure {
  ok: false;
  reason: string;
  rejected?: { quality: number; outliers: number };
}

/**
 * Flux plane for the photometry: finite positive flux of valid spaxels (the quality cuts are not
 * applied — the outskirts they drop still carry light), with holes (missing or rejected spaxels that
 * have ≥ 5 of 8 usable neighbours) filled by the median of those neighbours so that a hot spaxel's
 * hole does not bias the moments. Without a flux plane every usable spaxel weighs 1 (the footprint).
 */
function photometricPlane(map: KinematicMap, clean: Uint8Array): { flux: Float64Array; use: Uint8Array } {
  const { width, height } = map;
  const n = width * height;
  const flux = new Float64Array(n);
  const use = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    if (map.flux) {
      const f = map.flux[i];
      if (map.valid[i] && Number.isFinite(map.velocity[i]) && f > 0 && Number.isFinite(f)) {
        flux[i] = f;
        use[i] = 1;
      }
    } else if (clean[i] || map.valid[i]) {
      flux[i] = 1;
      use[i] = 1;
    }
  }
  const filled = Uint8Array.from(use);
  const buf: number[] = [];
  for (let r = 0; r < height; r++) {
    for (let c = 0; c < width; c++) {
      const i = r * width + c;
      if (use[i]) continue;
      buf.length = 0;
      for (let dr = -1; dr <= 1; dr++) {
        for (let dc = -1; dc <= 1; dc++) {
          const rr = r + dr;
          const cc = c + dc;
          if ((dr || dc) && rr >= 0 && rr < height && cc >= 0 && cc < width && use[rr * width + cc])
            buf.push(flux[rr * width + cc]);
        }
      }
      if (buf.length < 5) continue;
      buf.sort((a, b) => a - b);
      flux[i] = buf[buf.length >> 1];
      filled[i] = 1;
    }
  }
  return { flux, use: filled };
}

/**
 * λRe, εe and the fast/slow class of one galaxy.
 *
 * 1. {@link cleanKinematics}: SAMI quality cuts, hot-spaxel rejection, systemic velocity.
 * 2. Photometry on the flux plane (holes filled; the footprint when there is no flux): centre, ε and PA
 *    from the flux second moments, iterated three times inside the ellipse of semi-major 2.5 × the
 *    half-light radius (the aperture keeps noisy outskirts and the field edge from rounding ε and from
 *    pulling the centre); the half-light semi-major axis of that ellipse × `reScale` is the aperture.
 * 3. λRe inside that ellipse with the cleaned spaxels, V relative to the systemic velocity
 *    (Emsellem et al. 2007 eq. 6, {@link measureKinematics}); class by `classifyRotator`.
 *
 * Returns `{ ok: false, reason }` (never throws) when the map has no dispersion plane, no usable flux
 * or footprint, or fewer than `minSpaxels` cleaned spaxels inside the aperture.
 */
export function measureSpinEllipticity(
  map: KinematicMap,
  opts: SpinEllipticityOptions = {},
): SpinEllipticity | SpinEllipticityFailure {
  const rule = opts.rule ?? 'cappellari2016';
  const minSpaxels = opts.minSpaxels ?? 20;
  if (!map.dispersion) return { ok: false, reason: 'no stellar velocity dispersion plane: λRe needs σ' };
  const { width, height } = map;
  const clean = opts.clean ?? cleanKinematics(map);
  const { flux, use } = photometricPlane(map, clean.valid);
  // ε is floored at 0.8 (minor moment ≥ 0.04 × major): the PSF term may leave a negative minor moment.
  const inside = (ellipse: Ellipse, a: number) => ({
    aperture: { ellipse, radiusPx: 2.5 * a },
    minorFloor: 0.04,
  });
  let e = momentEllipse(flux, width, height, use, { minorFloor: 0.04 });
  if (!e)
    return { ok: false, reason: 'no usable flux or footprint for the photometry', rejected: clean.rejected };
  let a = halfLightRadius(flux, width, height, e, use);
  for (let it = 0; it < 3 && a > 0; it++) {
    const next = momentEllipse(flux, width, height, use, inside(e, a));
    if (!next) break;
    e = next;
    a = halfLightRadius(flux, width, height, e, use);
  }
  const psfSigmaPx = (opts.psfFwhmArcsec ?? DEFAULT_PSF_FWHM_ARCSEC) / 2.3548 / map.pixelScaleArcsec;
  if (psfSigmaPx > 0 && a > 0) {
    const corrected = momentEllipse(flux, width, height, use, { ...inside(e, a), psfVarPx: psfSigmaPx ** 2 });
    if (corrected) e = { ...corrected, xc: e.xc, yc: e.yc };
  }
  if (!(a > 0)) return { ok: false, reason: 'no half-light radius on the map', rejected: clean.rejected };
  const radiusPx = a * (opts.reScale ?? RE_SCALE);
  const m = measureKinematics(
    { width, height, velocity: map.velocity, dispersion: map.dispersion, flux: map.flux, valid: clean.valid },
    { ...e, radiusPx },
    { systemicKms: clean.systemicKms },
  );
  if (m.nSpaxels < minSpaxels || !Number.isFinite(m.lambdaR)) {
    return {
      ok: false,
      reason: `${m.nSpaxels} cleaned spaxels inside the Re ellipse (need ${minSpaxels})`,
      rejected: clean.rejected,
    };
  }
  return {
    ok: true,
    lambdaRe: m.lambdaR,
    ellipticity: e.ellipticity,
    paDeg: e.paDeg,
    reArcsec: radiusPx * map.pixelScaleArcsec,
    xc: e.xc,
    yc: e.yc,
    systemicKms: clean.systemicKms,
    nSpaxels: m.nSpaxels,
    coverage: m.coverage,
    rule,
    class: classifyRotator(m.lambdaR, e.ellipticity, rule),
    rejected: clean.rejected,
  };
}
