/**
 * Elliptical geometry on a spaxel grid.
 *
 * Convention: x = column − xc, y = row − yc (pixels; row 0 at the bottom, as FITS displays).
 * The position angle PA is measured from +y (North) counter-clockwise towards −x (East), in degrees,
 * matching SAMI maps whose CDELT1 < 0 (RA grows to the left).
 */
export interface Ellipse {
  /** Centre column and row (pixels, may be fractional). */
  xc: number;
  yc: number;
  /** Ellipticity ε = 1 − b/a. */
  ellipticity: number;
  /** Position angle of the major axis, degrees (see module note). */
  paDeg: number;
}

/**
 * Semi-major axis (pixels) of the ellipse of the given ε and PA through every spaxel centre.
 * Returned row-major, width × height.
 */
export function ellipticalRadii(width: number, height: number, e: Ellipse): Float64Array {
  const out = new Float64Array(width * height);
  const q = Math.max(1 - e.ellipticity, 1e-3);
  const pa = (e.paDeg * Math.PI) / 180;
  const s = Math.sin(pa);
  const c = Math.cos(pa);
  for (let r = 0; r < height; r++) {
    const y = r - e.yc;
    for (let col = 0; col < width; col++) {
      const x = col - e.xc;
      const u = -x * s + y * c;
      const v = (-x * c - y * s) / q;
      out[r * width + col] = Math.sqrt(u * u + v * v);
    }
  }
  return out;
}
