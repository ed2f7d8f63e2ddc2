/** Summary statistics over the finite values of an image (what `galspin inspect` prints). */
export interface ImageStats {
  /** Number of NaN values. */
  nan: number;
  /** Number of finite values. */
  finite: number;
  /** Extremes and sum of the finite values; null when there are none. */
  min: number | null;
  max: number | null;
  sum: number | null;
}

export function imageStats(values: ArrayLike<number>): ImageStats {
  let nan = 0;
  let finite = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  // Plain sums over chunks of 1024 values, chunk sums added with Neumaier compensation: accurate
  // to ~1e-13 relative on survey maps at nearly the speed of a plain loop.
  let sum = 0;
  let carry = 0;
  const n = values.length;
  for (let start = 0; start < n; start += 1024) {
    const end = Math.min(n, start + 1024);
    let chunk = 0;
    for (let i = start; i < end; i++) {
      const v = values[i];
      if (v - v === 0) {
        // finite: x − x is 0 only for finite x (NaN and ±Infinity give NaN)
        finite++;
        chunk += v;
        if (v < min) min = v;
        if (v > max) max = v;
      } else if (Number.isNaN(v)) {
        nan++;
      }
    }
    const t = sum + chunk;
    carry += Math.abs(sum) >= Math.abs(chunk) ? sum - t + chunk : chunk - t + sum;
    sum = t;
  }
  if (finite === 0) return { nan, finite, min: null, max: null, sum: null };
  return { nan, finite, min, max, sum: sum + carry };
}
