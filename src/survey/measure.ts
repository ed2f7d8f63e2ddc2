import { type KinematicMeasures, measureKinematics } from '../maps/lambda-r.ts';
import { classifyRotator, isBorderline, type RotatorRule } from '../maps/rules.ts';
import type { MockGalaxy } from './family.ts';

/**
 * The rule that labels the synthetic survey: Cappellari 2016 (ARA&A 54, 597, eq. 19),
 * slow when λRe < 0.08 + εe/4 and εe < 0.4 — the slow-rotator definition galspin is judged by.
 */
export const LABEL_RULE: RotatorRule = 'cappellari2016';
/** Below this fraction of usable spaxels inside the Re ellipse a galaxy gets no flag (λRe unmeasurable). */
export const MIN_RE_COVERAGE = 0.8;

/**
 * Stellar-kinematic quality cuts of SAMI DR3 two-moment maps (Croom et al. 2021; van de Sande et al. 2017):
 * S/N > 3 Å⁻¹, σ > 35 km/s, V_err < 30 km/s, σ_err < 0.1σ + 25 km/s.
 */
export function qualityMask(g: MockGalaxy): Uint8Array {
  const out = new Uint8Array(g.valid.length);
  for (let i = 0; i < out.length; i++) {
    const s = g.dispersion[i];
    out[i] =
      g.valid[i] && g.snr[i] > 3 && s > 35 && g.velocityError[i] < 30 && g.dispersionError[i] < 0.1 * s + 25
        ? 1
        : 0;
  }
  return out;
}

export interface GalaxyMeasurement extends KinematicMeasures {
  ellipticity: number;
  label: 'fast' | 'slow' | 'unknown';
  /** The rule's class on the measured λRe, ε, before the borderline/coverage caveats. */
  ruleLabel: 'fast' | 'slow';
  /** Why a galaxy has no flag. */
  unknownReason?: 'borderline' | 'coverage';
  nValid: number;
  /** Median V of the usable spaxels, subtracted before λR, km/s. */
  systemicKms: number;
}

/** Median of the finite values of `v` where `mask` is set (0 when there are none). */
function maskedMedian(v: Float64Array, mask: Uint8Array): number {
  const a: number[] = [];
  for (let i = 0; i < v.length; i++) if (mask[i] && Number.isFinite(v[i])) a.push(v[i]);
  if (a.length === 0) return 0;
  a.sort((x, y) => x - y);
  const h = a.length >> 1;
  return a.length % 2 ? a[h] : (a[h - 1] + a[h]) / 2;
}

/**
 * λRe and V/σ within the Re ellipse of the photometric truth (ε, PA, centre — as SAMI takes them from
 * MGE fits to imaging) on the noisy, PSF-blurred maps after the quality cuts, with velocities relative
 * to the median V of the usable spaxels (a residual systemic offset does not count as rotation), and
 * the label by {@link LABEL_RULE}.
 */
export function measureGalaxy(g: MockGalaxy): GalaxyMeasurement {
  const p = g.truth;
  const valid = qualityMask(g);
  const systemicKms = maskedMedian(g.velocity, valid);
  const m = measureKinematics(
    {
      width: g.width,
      height: g.height,
      velocity: g.velocity,
      dispersion: g.dispersion,
      flux: g.flux,
      valid,
    },
    {
      xc: p.xcPx,
      yc: p.ycPx,
      ellipticity: p.ellipticity,
      paDeg: p.paDeg,
      radiusPx: p.reArcsec / g.pixelScaleArcsec,
    },
    { systemicKms },
  );
  let nValid = 0;
  for (let i = 0; i < g.valid.length; i++) nValid += g.valid[i];
  const ruleLabel = classifyRotator(m.lambdaR, p.ellipticity, LABEL_RULE);
  let label: GalaxyMeasurement['label'] = ruleLabel;
  let unknownReason: GalaxyMeasurement['unknownReason'];
  if (m.coverage < MIN_RE_COVERAGE) {
    label = 'unknown';
    unknownReason = 'coverage';
  } else if (isBorderline(m.lambdaR, p.ellipticity, LABEL_RULE)) {
    label = 'unknown';
    unknownReason = 'borderline';
  }
  return { ...m, ellipticity: p.ellipticity, label, ruleLabel, unknownReason, nValid, systemicKms };
}
