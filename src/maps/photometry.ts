import { type Ellipse, ellipticalRadii } from './geometry.ts';

/** Options of {@link momentEllipse}. */
export interface MomentOptions {
  /** Only spaxels inside this ellipse of semi-major `radiusPx` count (iterated apertures). */
  aperture?: { ellipse: Ellipse; radiusPx: number };
  /**
   * Variance of an isotropic Gaussian PSF, pixels²: it adds to both axes of the (untruncated) second
   * moments, so it is subtracted before the axis ratio is taken.
   */
  psfVarPx?: number;
  /** Floor of the minor-axis moment as a fraction of the major one (keeps ε finite after the PSF term). */
  minorFloor?: number;
}

/**
 * Flux-weighted centre, ellipticity and position angle from the second moments of the flux map
 * (the moment method of Cappellari et al. 2007, Sect. 3.3 / Emsellem et al. 2011, Sect. 3.2).
 * PA follows the convention of ./geometry.ts (degrees from +y towards −x, in [0, 180)).
 * Only finite, positive flux in valid spaxels counts. Undefined when no spaxel does.
 */
export function momentEllipse(
  flux: ArrayLike<number>,
  width: number,
  height: number,
  valid?: Uint8Array,
  opts: MomentOptions = {},
): Ellipse | undefined {
  const radii = opts.aperture ? ellipticalRadii(width, height, opts.aperture.ellipse) : undefined;
  const rMax = opts.aperture?.radiusPx ?? Number.POSITIVE_INFINITY;
  const counts = (i: number) => (!valid || valid[i]) && flux[i] > 0 && (!radii || radii[i] <= rMax);
  let s = 0;
  let sx = 0;
  let sy = 0;
  for (let r = 0; r < height; r++) {
    for (let c = 0; c < width; c++) {
      const i = r * width + c;
      if (!counts(i)) continue;
      const f = flux[i];
      s += f;
      sx += f * c;
      sy += f * r;
    }
  }
  if (!(s > 0)) return undefined;
  const xc = sx / s;
  const yc = sy / s;
  let mxx = 0;
  let myy = 0;
  let mxy = 0;
  for (let r = 0; r < height; r++) {
    for (let c = 0; c < width; c++) {
      const i = r * width + c;
      if (!counts(i)) continue;
      const f = flux[i];
      const x = c - xc;
      const y = r - yc;
      mxx += f * x * x;
      myy += f * y * y;
      mxy += f * x * y;
    }
  }
  const psf = opts.psfVarPx ?? 0;
  mxx = mxx / s - psf;
  myy = myy / s - psf;
  mxy /= s;
  const root = Math.sqrt((mxx - myy) ** 2 + 4 * mxy * mxy);
  const major = (mxx + myy + root) / 2;
  const minor = Math.min(Math.max((mxx + myy - root) / 2, (opts.minorFloor ?? 0) * major, 0), major);
  const ellipticity = major > 0 ? 1 - Math.sqrt(minor / major) : 0;
  const theta = 0.5 * Math.atan2(2 * mxy, mxx - myy); // major axis angle from +x
  let paDeg = (Math.atan2(-Math.cos(theta), Math.sin(theta)) * 180) / Math.PI;
  paDeg = ((paDeg % 180) + 180) % 180;
  return { xc, yc, ellipticity, paDeg };
}

/** {@link momentEllipse} over the whole map; a round ellipse at the grid centre when no flux counts. */
export function ellipseFromMoments(
  flux: ArrayLike<number>,
  width: number,
  height: number,
  valid?: Uint8Array,
): Ellipse {
  return (
    momentEllipse(flux, width, height, valid) ?? {
      xc: (width - 1) / 2,
      yc: (height - 1) / 2,
      ellipticity: 0,
      paDeg: 0,
    }
  );
}

/**
 * Semi-major axis (pixels) of the ellipse that holds half of the observed flux — a half-light radius
 * measured on the map itself (no extrapolation beyond the field, so it underestimates Re when the
 * field truncates the galaxy).
 */
export function halfLightRadius(
  flux: ArrayLike<number>,
  width: number,
  height: number,
  ellipse: Ellipse,
  valid?: Uint8Array,
): number {
  const radii = ellipticalRadii(width, height, ellipse);
  const pairs: { R: number; f: number }[] = [];
  let total = 0;
  for (let i = 0; i < width * height; i++) {
    const f = flux[i];
    if ((valid && !valid[i]) || !(f > 0)) continue;
    pairs.push({ R: radii[i], f });
    total += f;
  }
  pairs.sort((a, b) => a.R - b.R);
  let acc = 0;
  for (const p of pairs) {
    acc += p.f;
    if (acc >= total / 2) return p.R;
  }
  return 0;
}
