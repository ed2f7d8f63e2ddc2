import { mulberry32 } from './random.ts';

export type GridWeights = 'rook' | 'queen';

export interface MoranOptions {
  /** Contiguity: rook (4 edges, the default of libpysal `lat2W`) or queen (8 neighbours). */
  weights?: GridWeights;
  /** Random permutations for the pseudo p-value; 0/undefined skips them (PySAL default is 999). */
  permutations?: number;
  /** Seed of the permutation PRNG. */
  seed?: number;
}

export interface MoranResult {
  /** Global Moran's I. */
  I: number;
  /** E[I] = −1/(n−1). */
  expected: number;
  /** Var[I] under the normality assumption. */
  variance: number;
  /** (I − E[I]) / √Var[I] under normality. */
  z: number;
  /** Two-sided p-value under normality (PySAL `p_norm`). */
  pAnalytic: number;
  /** Var[I], z and two-sided p under the randomisation assumption (PySAL `VI_rand`, `z_rand`, `p_rand`). */
  varianceRandomisation: number;
  zRandomisation: number;
  pRandomisation: number;
  /** Folded pseudo p-value (larger + 1)/(permutations + 1) as PySAL `p_sim`; only with permutations. */
  pPermutation?: number;
  /** Valid observations. */
  n: number;
  /** Valid observations without any valid neighbour (zero weight rows). */
  islands: number;
}

const ROOK: readonly (readonly [number, number])[] = [
  [-1, 0],
  [1, 0],
  [0, -1],
  [0, 1],
];
const QUEEN: readonly (readonly [number, number])[] = [...ROOK, [-1, -1], [-1, 1], [1, -1], [1, 1]];

/** Complementary error function (Numerical Recipes `erfcc`, fractional error < 1.2e-7). */
function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 +
                            t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

/** Two-sided normal tail probability 2·P(Z > |z|). */
export function twoSidedNormalP(z: number): number {
  if (!Number.isFinite(z)) return Number.isNaN(z) ? Number.NaN : 0;
  return erfc(Math.abs(z) / Math.SQRT2);
}

/**
 * Global Moran's I on a grid, over valid spaxels only, with row-standardised contiguity weights
 * (Moran 1950; moments as in Cliff & Ord 1981 and PySAL `esda.Moran`). Spaxels that are invalid or
 * non-finite are not observations and are not neighbours; a valid spaxel with no valid neighbour is an
 * island with a zero weight row.
 *
 * I = (n / S₀) Σᵢⱼ wᵢⱼ zᵢ zⱼ / Σᵢ zᵢ²,  z = x − mean(x),  S₀ = Σᵢⱼ wᵢⱼ (= n − islands).
 */
export function moransI(
  values: ArrayLike<number>,
  valid: Uint8Array,
  width: number,
  height: number,
  opts: MoranOptions = {},
): MoranResult {
  const offsets = (opts.weights ?? 'rook') === 'queen' ? QUEEN : ROOK;
  const size = width * height;
  // position of each usable spaxel in the compact observation vector, −1 otherwise
  const pos = new Int32Array(size);
  let n = 0;
  let sum = 0;
  for (let i = 0; i < size; i++) {
    const v = values[i];
    if (valid[i] && Number.isFinite(v)) {
      pos[i] = n++;
      sum += v;
    } else pos[i] = -1;
  }
  const z = new Float64Array(n);
  const cells = new Int32Array(n);
  const mean = n > 0 ? sum / n : 0;
  let m2 = 0;
  let m4 = 0;
  for (let i = 0; i < size; i++) {
    const p = pos[i];
    if (p < 0) continue;
    const d = values[i] - mean;
    z[p] = d;
    cells[p] = i;
    m2 += d * d;
    m4 += d * d * d * d;
  }
  // neighbour lists in CSR form (positions in z)
  const start = new Int32Array(n + 1);
  const nbr = new Int32Array(n * offsets.length);
  let e = 0;
  for (let p = 0; p < n; p++) {
    start[p] = e;
    const i = cells[p];
    const r = (i / width) | 0;
    const c = i - r * width;
    for (const [dr, dc] of offsets) {
      const rr = r + dr;
      const cc = c + dc;
      if (rr < 0 || rr >= height || cc < 0 || cc >= width) continue;
      const q = pos[rr * width + cc];
      if (q >= 0) nbr[e++] = q;
    }
  }
  start[n] = e;

  const invK = new Float64Array(n);
  let islands = 0;
  for (let p = 0; p < n; p++) {
    const k = start[p + 1] - start[p];
    if (k > 0) invK[p] = 1 / k;
    else islands++;
  }
  const s0 = n - islands;
  let s1 = 0;
  let s2 = 0;
  let cross = 0;
  for (let p = 0; p < n; p++) {
    const wi = invK[p];
    if (wi === 0) continue;
    let lag = 0;
    let colSum = 0;
    for (let t = start[p]; t < start[p + 1]; t++) {
      const q = nbr[t];
      lag += z[q];
      const w = wi + invK[q];
      s1 += w * w;
      colSum += invK[q];
    }
    cross += z[p] * lag * wi;
    s2 += (1 + colSum) * (1 + colSum);
  }
  s1 *= 0.5;

  const expected = n > 1 ? -1 / (n - 1) : Number.NaN;
  const I = s0 > 0 && m2 > 0 ? ((n / s0) * cross) / m2 : Number.NaN;
  const n2 = n * n;
  const s02 = s0 * s0;
  const variance = (n2 * s1 - n * s2 + 3 * s02) / ((n - 1) * (n + 1) * s02) - expected * expected;
  const kurt = m2 > 0 ? m4 / n / (m2 / n) ** 2 : Number.NaN;
  const A = n * ((n2 - 3 * n + 3) * s1 - n * s2 + 3 * s02);
  const B = kurt * ((n2 - n) * s1 - 2 * n * s2 + 6 * s02);
  const varianceRandomisation = (A - B) / ((n - 1) * (n - 2) * (n - 3) * s02) - expected * expected;
  const zN = (I - expected) / Math.sqrt(variance);
  const zR = (I - expected) / Math.sqrt(varianceRandomisation);
  const result: MoranResult = {
    I,
    expected,
    variance,
    z: zN,
    pAnalytic: twoSidedNormalP(zN),
    varianceRandomisation,
    zRandomisation: zR,
    pRandomisation: twoSidedNormalP(zR),
    n,
    islands,
  };
  const perms = opts.permutations ?? 0;
  if (perms > 0 && Number.isFinite(I)) {
    const rng = mulberry32(opts.seed ?? 12345);
    const shuffled = Float64Array.from(z);
    let larger = 0;
    for (let k = 0; k < perms; k++) {
      for (let p = n - 1; p > 0; p--) {
        const j = Math.floor(rng.next() * (p + 1));
        const tmp = shuffled[p];
        shuffled[p] = shuffled[j];
        shuffled[j] = tmp;
      }
      let c = 0;
      for (let p = 0; p < n; p++) {
        const wi = invK[p];
        if (wi === 0) continue;
        let lag = 0;
        for (let t = start[p]; t < start[p + 1]; t++) lag += shuffled[nbr[t]];
        c += shuffled[p] * lag * wi;
      }
      if (((n / s0) * c) / m2 >= I) larger++;
    }
    if (perms - larger < larger) larger = perms - larger;
    result.pPermutation = (larger + 1) / (perms + 1);
  }
  return result;
}
