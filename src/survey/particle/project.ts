/**
 * Viewing geometry and binning of the particle family: a random (isotropic) orientation, projection of
 * the stars onto the sky, a roll about the line of sight that puts the projected major axis at the
 * wanted PA, and binning into the SAMI spaxel grid as light-weighted velocity moments.
 *
 * Sky frame: X along +column, Y along +row (arcsec), line of sight Z pointing away from the observer,
 * so a positive line-of-sight velocity is a recession. (X, Y, Z) is right-handed.
 */
import type { Rng } from '../../maps/random.ts';
import type { Particles } from './models.ts';

/** Rotation matrix, row-major 3 × 3: rows are the sky X, sky Y and line-of-sight axes in the intrinsic frame. */
export type Rotation = Float64Array;

/** Uniformly random rotation (Haar measure on SO(3)) from a normalised Gaussian quaternion (Shoemake 1992). */
export function randomRotation(rng: Rng): Rotation {
  let w = 0;
  let x = 0;
  let y = 0;
  let z = 0;
  let norm = 0;
  while (norm < 1e-12) {
    w = rng.normal();
    x = rng.normal();
    y = rng.normal();
    z = rng.normal();
    norm = Math.sqrt(w * w + x * x + y * y + z * z);
  }
  w /= norm;
  x /= norm;
  y /= norm;
  z /= norm;
  return Float64Array.of(
    1 - 2 * (y * y + z * z),
    2 * (x * y - w * z),
    2 * (x * z + w * y),
    2 * (x * y + w * z),
    1 - 2 * (x * x + z * z),
    2 * (y * z - w * x),
    2 * (x * z - w * y),
    2 * (y * z + w * x),
    1 - 2 * (x * x + y * y),
  );
}

/** A rotation whose line of sight is the intrinsic direction `los` (normalised here); the sky roll is arbitrary. */
export function rotationWithLineOfSight(los: readonly [number, number, number]): Rotation {
  const n = Math.hypot(los[0], los[1], los[2]);
  const z = [los[0] / n, los[1] / n, los[2] / n];
  // any vector not parallel to z
  const t = Math.abs(z[2]) < 0.9 ? [0, 0, 1] : [1, 0, 0];
  let x = [t[1] * z[2] - t[2] * z[1], t[2] * z[0] - t[0] * z[2], t[0] * z[1] - t[1] * z[0]];
  const xn = Math.hypot(x[0], x[1], x[2]);
  x = x.map((v) => v / xn);
  const y = [z[1] * x[2] - z[2] * x[1], z[2] * x[0] - z[0] * x[2], z[0] * x[1] - z[1] * x[0]];
  return Float64Array.of(x[0], x[1], x[2], y[0], y[1], y[2], z[0], z[1], z[2]);
}

/** Sky positions (X, Y) of the stars under rotation R, written into the given arrays. */
export function projectPositions(pos: Particles, R: Rotation, X: Float64Array, Y: Float64Array): void {
  const { n, x, y, z } = pos;
  for (let i = 0; i < n; i++) {
    X[i] = R[0] * x[i] + R[1] * y[i] + R[2] * z[i];
    Y[i] = R[3] * x[i] + R[4] * y[i] + R[5] * z[i];
  }
}

/** Line-of-sight velocities (km/s) of intrinsic-frame velocities under rotation R. */
export function lineOfSight(
  v: { vx: Float64Array; vy: Float64Array; vz: Float64Array },
  R: Rotation,
): Float64Array {
  const n = v.vx.length;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = R[6] * v.vx[i] + R[7] * v.vy[i] + R[8] * v.vz[i];
  return out;
}

/** Rotates sky positions in place by `angleRad` counter-clockwise (from +X towards +Y) and scales them. */
export function rollAndScale(X: Float64Array, Y: Float64Array, angleRad: number, scale: number): void {
  const c = Math.cos(angleRad) * scale;
  const s = Math.sin(angleRad) * scale;
  for (let i = 0; i < X.length; i++) {
    const x = X[i];
    const y = Y[i];
    X[i] = c * x - s * y;
    Y[i] = s * x + c * y;
  }
}

/** Light-weighted moment maps on the grid (row-major, row 0 at the bottom). */
export interface MomentMaps {
  width: number;
  height: number;
  /** Σ w: light per spaxel (star count × mass-to-light weight; unit weights here). */
  light: Float64Array;
  /** Σ w v, km/s × light. */
  lightV: Float64Array;
  /** Σ w v², (km/s)² × light. */
  lightV2: Float64Array;
}

/**
 * Bins stars into a width × height grid of `pixelScaleArcsec` spaxels, nearest-spaxel assignment.
 * The star at sky (X, Y) arcsec falls at column xc + X / scale, row yc + Y / scale; stars off the grid
 * are dropped.
 */
export function binMoments(
  X: Float64Array,
  Y: Float64Array,
  vLos: Float64Array,
  grid: { width: number; height: number; pixelScaleArcsec: number; xc: number; yc: number },
): MomentMaps {
  const { width, height, pixelScaleArcsec, xc, yc } = grid;
  const light = new Float64Array(width * height);
  const lightV = new Float64Array(width * height);
  const lightV2 = new Float64Array(width * height);
  const inv = 1 / pixelScaleArcsec;
  for (let i = 0; i < X.length; i++) {
    const c = Math.round(xc + X[i] * inv);
    const r = Math.round(yc + Y[i] * inv);
    if (c < 0 || c >= width || r < 0 || r >= height) continue;
    const k = r * width + c;
    const v = vLos[i];
    light[k] += 1;
    lightV[k] += v;
    lightV2[k] += v * v;
  }
  return { width, height, light, lightV, lightV2 };
}
