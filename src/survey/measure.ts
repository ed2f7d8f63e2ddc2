import { type KinematicMeasures, measureKinematics } from '../maps/lambdaR.ts';
import { classifyRotator, isBorderline, type RotatorRule } from '../maps/rules.ts';
import type { SimulatedGalaxy } from './simulate.ts';

/** The rule that labels the synthetic survey: the SAMI box of van de Sande et al. 2021. */
export const LABEL_RULE: RotatorRule = 'vandesande2021';
/** Below this fraction of usable spaxels inside the Re ellipse a galaxy gets no flag (λRe unmeasurable). */
export const MIN_RE_COVERAGE = 0.8;

/**
 * Stellar-kinematic quality cuts of SAMI DR3 two-moment maps (Croom et al. 2021; van de Sande et al. 2017):
 * S/N > 3 Å⁻¹, σ > 35 km/s, V_err < 30 km/s, σ_err < 0.1σ + 25 km/s.
 */
export function qualityMask(g: SimulatedGalaxy): Uint8Array {
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
  /** Why a galaxy has no flag. */
  unknownReason?: 'borderline' | 'coverage';
  nValid: number;
}

/**
 * λRe and V/σ within the Re ellipse (photometric ε, PA, centre — as SAMI takes them from MGE fits to
 * imaging) on the noisy, PSF-blurred maps after the quality cuts, and the label by {@link LABEL_RULE}.
 */
export function measureGalaxy(g: SimulatedGalaxy): GalaxyMeasurement {
  const p = g.params;
  const m = measureKinematics(
    {
      width: g.width,
      height: g.height,
      velocity: g.velocity,
      dispersion: g.dispersion,
      flux: g.flux,
      valid: qualityMask(g),
    },
    {
      xc: (g.width - 1) / 2 + p.dxPx,
      yc: (g.height - 1) / 2 + p.dyPx,
      ellipticity: p.ellipticity,
      paDeg: p.paDeg,
      radiusPx: p.reArcsec / g.pixelScaleArcsec,
    },
  );
  let nValid = 0;
  for (let i = 0; i < g.valid.length; i++) nValid += g.valid[i];
  let label: GalaxyMeasurement['label'] = classifyRotator(m.lambdaR, p.ellipticity, LABEL_RULE);
  let unknownReason: GalaxyMeasurement['unknownReason'];
  if (m.coverage < MIN_RE_COVERAGE) {
    label = 'unknown';
    unknownReason = 'coverage';
  } else if (isBorderline(m.lambdaR, p.ellipticity, LABEL_RULE)) {
    label = 'unknown';
    unknownReason = 'borderline';
  }
  return { ...m, ellipticity: p.ellipticity, label, unknownReason, nValid };
}
