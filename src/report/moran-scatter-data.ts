/**
 * Data for a Moran scatter plot (Anselin 1996, "The Moran scatterplot as an ESDA tool"): each valid
 * spaxel's standardised velocity z against its spatial lag Wz, the mean of z over its valid rook
 * (edge-sharing) neighbours, i.e. row-standardised weights as in PySAL's `esda.Moran`. With
 * row-standardised weights the least-squares slope through the origin is global Moran's I (Moran 1950).
 */
export interface MoranScatter {
  /** Standardised values (x − mean)/sd over valid spaxels, islands excluded. */
  z: number[];
  /** Spatial lag of z. */
  lag: number[];
  /** Global Moran's I = (n/S₀) Σ zᵢ(Wz)ᵢ / Σ zᵢ², with n valid spaxels and S₀ = number with ≥ 1 valid neighbour. */
  I: number;
  /** Valid spaxels. */
  n: number;
}

export function moranScatter(
  values: ArrayLike<number>,
  valid: ArrayLike<number> | undefined,
  width: number,
  height: number,
): MoranScatter {
  const ok = (i: number) => Number.isFinite(values[i]) && (!valid || valid[i] === 1);
  const idx: number[] = [];
  for (let i = 0; i < width * height; i++) if (ok(i)) idx.push(i);
  const n = idx.length;
  if (n < 2) return { z: [], lag: [], I: Number.NaN, n };
  let mean = 0;
  for (const i of idx) mean += values[i];
  mean /= n;
  let ss = 0;
  for (const i of idx) ss += (values[i] - mean) ** 2;
  const sd = Math.sqrt(ss / n);
  if (!(sd > 0)) return { z: [], lag: [], I: Number.NaN, n };
  const zAt = (i: number) => (values[i] - mean) / sd;
  const z: number[] = [];
  const lag: number[] = [];
  let cross = 0;
  let zz = 0;
  for (const i of idx) zz += zAt(i) ** 2;
  for (const i of idx) {
    const r = Math.floor(i / width);
    const c = i % width;
    let sum = 0;
    let k = 0;
    for (const [dr, dc] of [
      [-1, 0],
      [1, 0],
      [0, -1],
      [0, 1],
    ]) {
      const rr = r + dr;
      const cc = c + dc;
      if (rr < 0 || rr >= height || cc < 0 || cc >= width) continue;
      const j = rr * width + cc;
      if (!ok(j)) continue;
      sum += zAt(j);
      k++;
    }
    if (k === 0) continue;
    z.push(zAt(i));
    lag.push(sum / k);
    cross += zAt(i) * (sum / k);
  }
  const s0 = z.length;
  return { z, lag, I: s0 > 0 ? ((n / s0) * cross) / zz : Number.NaN, n };
}
