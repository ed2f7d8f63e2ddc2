/** Normalised 1-D Gaussian kernel of the given σ (pixels), truncated at ±4σ. */
export function gaussianKernel(sigmaPx: number): Float64Array {
  const half = Math.max(1, Math.ceil(4 * sigmaPx));
  const k = new Float64Array(2 * half + 1);
  let s = 0;
  for (let i = -half; i <= half; i++) {
    const v = Math.exp((-0.5 * i * i) / (sigmaPx * sigmaPx));
    k[i + half] = v;
    s += v;
  }
  for (let i = 0; i < k.length; i++) k[i] /= s;
  return k;
}

/** Separable convolution of a width × height plane with a symmetric kernel (zero outside the grid). */
export function convolveSeparable(
  plane: Float64Array,
  width: number,
  height: number,
  kernel: Float64Array,
): Float64Array {
  const half = (kernel.length - 1) / 2;
  const tmp = new Float64Array(plane.length);
  const out = new Float64Array(plane.length);
  for (let r = 0; r < height; r++) {
    const row = r * width;
    for (let c = 0; c < width; c++) {
      let s = 0;
      const lo = Math.max(0, c - half);
      const hi = Math.min(width - 1, c + half);
      for (let cc = lo; cc <= hi; cc++) s += plane[row + cc] * kernel[cc - c + half];
      tmp[row + c] = s;
    }
  }
  for (let r = 0; r < height; r++) {
    const lo = Math.max(0, r - half);
    const hi = Math.min(height - 1, r + half);
    for (let c = 0; c < width; c++) {
      let s = 0;
      for (let rr = lo; rr <= hi; rr++) s += tmp[rr * width + c] * kernel[rr - r + half];
      out[r * width + c] = s;
    }
  }
  return out;
}

/** FWHM → σ of a Gaussian. */
export const FWHM_TO_SIGMA = 1 / (2 * Math.sqrt(2 * Math.LN2));
