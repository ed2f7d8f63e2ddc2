/** Fixed-edge histogram: counts per bin on [lo, hi]; the last bin is closed, values outside are dropped. */
export function histogram(
  values: Iterable<number>,
  lo: number,
  hi: number,
  nBins: number,
): { lo: number; hi: number; count: number }[] {
  const width = (hi - lo) / nBins;
  const counts = new Array<number>(nBins).fill(0);
  for (const v of values) {
    if (!Number.isFinite(v) || v < lo || v > hi) continue;
    counts[Math.min(nBins - 1, Math.floor((v - lo) / width))]++;
  }
  return counts.map((count, k) => ({ lo: lo + k * width, hi: lo + (k + 1) * width, count }));
}
