import type { Ellipse } from './geometry.ts';

/** The planes λR needs; row-major width × height. */
export interface KinematicPlanes {
  width: number;
  height: number;
  velocity: ArrayLike<number>;
  dispersion: ArrayLike<number>;
  /** Flux weights; uniform when absent. */
  flux?: ArrayLike<number>;
  /** 1 = use this spaxel; spaxels with non-finite V, σ or F are skipped anyway. */
  valid?: Uint8Array;
}

/** Elliptical aperture: an ellipse of semi-major axis `radiusPx` (e.g. Re in pixels). */
export interface Aperture extends Ellipse {
  radiusPx: number;
}

export interface KinematicMeasures {
  /** λR = Σ F R |V| / Σ F R √(V² + σ²) (Emsellem et al. 2007, MNRAS 379, 401, eq. 6). */
  lambdaR: number;
  /** V/σ = √(Σ F V² / Σ F σ²) (Cappellari et al. 2007, MNRAS 379, 418, eq. 10). */
  vOverSigma: number;
  /** Spaxels that entered the sums. */
  nSpaxels: number;
  /** Fraction of the spaxel centres inside the aperture that were usable (0..1). */
  coverage: number;
}

/**
 * λR and V/σ inside an elliptical aperture.
 *
 * R of a spaxel is the semi-major axis (pixels; see ./geometry.ts for the PA convention) of the ellipse (same ε, PA) through its centre, as in the
 * ATLAS3D and SAMI measurements (Emsellem et al. 2011; van de Sande et al. 2017). Velocities are taken
 * relative to `systemicKms` (default 0: SAMI maps are already relative to Z_PPXF).
 * Units cancel, so V and σ only need to share a unit.
 */
export function measureKinematics(
  planes: KinematicPlanes,
  aperture: Aperture,
  opts: { systemicKms?: number } = {},
): KinematicMeasures {
  const { width, height, velocity, dispersion, flux, valid } = planes;
  const vsys = opts.systemicKms ?? 0;
  const q = Math.max(1 - aperture.ellipticity, 1e-3);
  const pa = (aperture.paDeg * Math.PI) / 180;
  const sin = Math.sin(pa);
  const cos = Math.cos(pa);
  const r2max = aperture.radiusPx * aperture.radiusPx;
  let num = 0;
  let den = 0;
  let fv2 = 0;
  let fs2 = 0;
  let inside = 0;
  let used = 0;
  for (let row = 0; row < height; row++) {
    const y = row - aperture.yc;
    for (let col = 0; col < width; col++) {
      const x = col - aperture.xc;
      const u = -x * sin + y * cos;
      const w = (-x * cos - y * sin) / q;
      const R2 = u * u + w * w;
      if (R2 > r2max) continue;
      inside++;
      const i = row * width + col;
      if (valid && !valid[i]) continue;
      const v = velocity[i] - vsys;
      const s = dispersion[i];
      const f = flux ? flux[i] : 1;
      if (!Number.isFinite(v) || !Number.isFinite(s) || !Number.isFinite(f) || f <= 0) continue;
      used++;
      const R = Math.sqrt(R2);
      num += f * R * Math.abs(v);
      den += f * R * Math.sqrt(v * v + s * s);
      fv2 += f * v * v;
      fs2 += f * s * s;
    }
  }
  return {
    lambdaR: den > 0 ? num / den : 0,
    vOverSigma: fs2 > 0 ? Math.sqrt(fv2 / fs2) : 0,
    nSpaxels: used,
    coverage: inside > 0 ? used / inside : 0,
  };
}

/** λR inside an elliptical aperture (Emsellem et al. 2007, eq. 6); see {@link measureKinematics}. */
export function lambdaR(
  planes: KinematicPlanes,
  aperture: Aperture,
  opts: { systemicKms?: number } = {},
): number {
  return measureKinematics(planes, aperture, opts).lambdaR;
}
