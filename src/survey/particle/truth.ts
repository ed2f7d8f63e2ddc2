/**
 * Photometric truth of a particle mock: the ellipse imaging photometry would give, measured from the
 * projected stars themselves (noise-free light, before the PSF).
 *
 * Sky coordinates here are (X, Y) along +column and +row of the SAMI grid, in any unit (the shape is
 * scale-free; Re comes back in the same unit). PA follows src/maps/geometry.ts: from +Y towards −X.
 */

/** Shape of the projected light. */
export interface ProjectedShape {
  /** 1 − b/a from the second moments of the light inside the aperture. */
  ellipticity: number;
  /** Angle of the major axis from +X towards +Y, radians (mod π). */
  thetaRad: number;
  /** Same axis as a PA in degrees (geometry.ts convention), in [0, 180). */
  paDeg: number;
  /** Half-light semi-major axis of the ellipse (ε, PA), counting every star, same unit as X, Y. */
  re: number;
}

/** k-th smallest (0-based) of `a`, by in-place quickselect (Hoare partition, median-of-three). */
export function quickselect(a: Float64Array, k: number): number {
  let lo = 0;
  let hi = a.length - 1;
  while (hi > lo) {
    const mid = (lo + hi) >>> 1;
    // median of three as pivot
    let p = a[mid];
    const l = a[lo];
    const h = a[hi];
    if ((l <= p && p <= h) || (h <= p && p <= l)) {
      // p is the median
    } else if ((p <= l && l <= h) || (h <= l && l <= p)) p = l;
    else p = h;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i] < p) i++;
      while (a[j] > p) j--;
      if (i <= j) {
        const t = a[i];
        a[i] = a[j];
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k];
  }
  return a[k];
}

/**
 * Ellipticity, PA and half-light semi-major axis of projected stars (unit weights).
 *
 * Iterative: start from circles through the median radius; then repeat `iterations` times: second
 * moments of the stars inside the ellipse of semi-major axis `apertureRe` × Re with the current shape,
 * new (ε, θ) from the moment tensor's eigenvalues (b/a = √(λ₋/λ₊)), new Re = median elliptical radius
 * of all stars. For a density stratified on similar ellipses the moments inside a similar ellipse
 * give b/a exactly, so the fixed point is the true projected shape.
 */
export function measureProjectedShape(
  X: Float64Array,
  Y: Float64Array,
  opts: {
    apertureRe?: number;
    iterations?: number;
    scratch?: Float64Array;
    /** Starting shape (e.g. {@link ellipsoidProjection}); default circles. */
    guess?: { ellipticity: number; thetaRad: number };
  } = {},
): ProjectedShape {
  const n = X.length;
  const apertureRe = opts.apertureRe ?? 2;
  const iterations = opts.iterations ?? (opts.guess ? 2 : 4);
  const rr = opts.scratch && opts.scratch.length >= n ? opts.scratch.subarray(0, n) : new Float64Array(n);
  let q = opts.guess ? Math.max(1 - opts.guess.ellipticity, 1e-3) : 1;
  let theta = opts.guess ? opts.guess.thetaRad : 0;
  {
    const c = Math.cos(theta);
    const s = Math.sin(theta);
    for (let i = 0; i < n; i++) {
      const u = X[i] * c + Y[i] * s;
      const w = (-X[i] * s + Y[i] * c) / q;
      rr[i] = u * u + w * w;
    }
  }
  let re = Math.sqrt(quickselect(rr, n >> 1));
  for (let it = 0; it < iterations; it++) {
    const c = Math.cos(theta);
    const s = Math.sin(theta);
    const a2 = (apertureRe * re) ** 2;
    let sxx = 0;
    let syy = 0;
    let sxy = 0;
    for (let i = 0; i < n; i++) {
      const x = X[i];
      const y = Y[i];
      const u = x * c + y * s;
      const w = (-x * s + y * c) / q;
      if (u * u + w * w > a2) continue;
      sxx += x * x;
      syy += y * y;
      sxy += x * y;
    }
    const half = 0.5 * (sxx - syy);
    const disc = Math.sqrt(half * half + sxy * sxy);
    const mean = 0.5 * (sxx + syy);
    const lp = mean + disc;
    const lm = Math.max(mean - disc, 0);
    q = lp > 0 ? Math.max(Math.sqrt(lm / lp), 1e-3) : 1;
    theta = 0.5 * Math.atan2(2 * sxy, sxx - syy);
    const c2 = Math.cos(theta);
    const s2 = Math.sin(theta);
    for (let i = 0; i < n; i++) {
      const u = X[i] * c2 + Y[i] * s2;
      const w = (-X[i] * s2 + Y[i] * c2) / q;
      rr[i] = u * u + w * w;
    }
    re = Math.sqrt(quickselect(rr, n >> 1));
  }
  let pa = (theta * 180) / Math.PI - 90;
  pa = ((pa % 180) + 180) % 180;
  return { ellipticity: 1 - q, thetaRad: theta, paDeg: pa, re };
}

/**
 * Projected shape of a density stratified on similar ellipsoids of axes (1, p, q) seen under the rotation
 * R (rows: sky X, sky Y, line of sight; see ./project.ts): its second-moment tensor is ∝ diag(1, p², q²),
 * so the projected one is P diag(1, p², q²) Pᵀ with P the two sky rows, whose eigenvalues give b/a and
 * the major-axis angle exactly (the isophotes are similar ellipses; cf. Stark 1977, ApJ 213, 368).
 */
export function ellipsoidProjection(
  R: ArrayLike<number>,
  p: number,
  q: number,
): { ellipticity: number; thetaRad: number } {
  const d = [1, p * p, q * q];
  let sxx = 0;
  let syy = 0;
  let sxy = 0;
  for (let k = 0; k < 3; k++) {
    sxx += R[k] * R[k] * d[k];
    syy += R[3 + k] * R[3 + k] * d[k];
    sxy += R[k] * R[3 + k] * d[k];
  }
  const half = 0.5 * (sxx - syy);
  const disc = Math.sqrt(half * half + sxy * sxy);
  const mean = 0.5 * (sxx + syy);
  const ratio = Math.sqrt(Math.max(mean - disc, 0) / (mean + disc));
  return { ellipticity: 1 - ratio, thetaRad: 0.5 * Math.atan2(2 * sxy, sxx - syy) };
}
