import { type Ellipse, ellipticalRadii } from './geometry.ts';

/**
 * Flux-weighted centre, ellipticity and position angle from the second moments of the flux map
 * (the moment method of Cappellari et al. 2007, Sect. 3.3 / Emsellem et al. 2011, Sect. 3.2).
 * PA follows the convention of ./geometry.ts (degrees from +y towards −x, in [0, 180)).
 * Only finite, positive flux in valid spaxels counts.
 */
export function ellipseFromMoments(
  flux: ArrayLike<number>,
  width: number,
  height: number,
  valid?: Uint8Array,
): Ellipse {
  let s = 0;
  let sx = 0;
  let sy = 0;
  for (let r = 0; r < height; r++) {
    for (let c = 0; c < width; c++) {
      const i = r * width + c;
      const f = flux[i];
      if ((valid && !valid[i]) || !(f > 0)) continue;
      s += f;
      sx += f * c;
      sy += f * r;
    }
  }
  if (s <= 0) return { xc: (width - 1) / 2, yc: (height - 1) / 2, ellipticity: 0, paDeg: 0 };
  const xc = sx / s;
  const yc = sy / s;
  let mxx = 0;
  let myy = 0;
  let mxy = 0;
  for (let r = 0; r < height; r++) {
    for (let c = 0; c < width; c++) {
      const i = r * width + c;
      const f = flux[i];
      if ((valid && !valid[i]) || !(f > 0)) continue;
      const x = c - xc;
      const y = r - yc;
      mxx += f * x * x;
      myy += f * y * y;
      mxy += f * x * y;
    }
  }
  mxx /= s;
  myy /= s;
  mxy /= s;
  const root = Math.sqrt((mxx - myy) ** 2 + 4 * mxy * mxy);
  const major = (mxx + myy + root) / 2;
  const minor = Math.max((mxx + myy - root) / 2, 0);
  const ellipticity = major > 0 ? 1 - Math.sqrt(minor / major) : 0;
  const theta = 0.5 * Math.atan2(2 * mxy, mxx - myy); // major axis angle from +x
  let paDeg = (Math.atan2(-Math.cos(theta), Math.sin(theta)) * 180) / Math.PI;
  paDeg = ((paDeg % 180) + 180) % 180;
  return { xc, yc, ellipticity, paDeg };
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
