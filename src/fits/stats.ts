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
  // Neumaier-compensated sum: stays exact to ~1 ulp where a plain loop drifts on large maps.
  let sum = 0;
  let carry = 0;
  const n = values.length;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (Number.isNaN(v)) {
      nan++;
    } else if (v !== Number.POSITIVE_INFINITY && v !== Number.NEGATIVE_INFINITY) {
      finite++;
      const t = sum + v;
      carry += Math.abs(sum) >= Math.abs(v) ? sum - t + v : v - t + sum;
      sum = t;
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  if (finite === 0) return { nan, finite, min: null, max: null, sum: null };
  return { nan, finite, min, max, sum: sum + carry };
}
