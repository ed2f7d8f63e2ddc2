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
  const topo = topology(width, height, opts.weights ?? 'rook');
  const size = width * height;
  const s = scratch(size);
  const { ok, z, invK, cells } = s;
  ok.fill(0, 0, size);
  let n = 0;
  let sum = 0;
  for (let i = 0; i < size; i++) {
    const v = values[i];
    if (valid[i] && Number.isFinite(v)) {
      ok[i] = 1;
      cells[n++] = i;
      sum += v;
    }
  }
  const mean = n > 0 ? sum / n : 0;
  const { start, nbr } = topo;
  let m2 = 0;
  let m4 = 0;
  let islands = 0;
  for (let p = 0; p < n; p++) {
    const i = cells[p];
    const d = values[i] - mean;
    z[i] = d;
    const d2 = d * d;
    m2 += d2;
    m4 += d2 * d2;
    let k = 0;
    for (let t = start[i]; t < start[i + 1]; t++) k += ok[nbr[t]];
    if (k > 0) invK[i] = 1 / k;
    else {
      invK[i] = 0;
      islands++;
    }
  }
  const s0 = n - islands;
  let s1 = 0;
  let s2 = 0;
  let cross = 0;
  for (let p = 0; p < n; p++) {
    const i = cells[p];
    const wi = invK[i];
    if (wi === 0) continue;
    let lag = 0;
    let colSum = 0;
    for (let t = start[i]; t < start[i + 1]; t++) {
      const j = nbr[t];
      if (!ok[j]) continue;
      lag += z[j];
      const w = wi + invK[j];
      s1 += w * w;
      colSum += invK[j];
    }
    cross += z[i] * lag * wi;
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
  if (perms > 0 && Number.isFinite(I))
    result.pPermutation = permutationP(topo, size, ok, z, invK, I, n, s0, m2, perms, opts.seed ?? 12345);
  return result;
}

interface Topology {
  /** Neighbour cells of cell i are nbr[start[i]] .. nbr[start[i + 1] − 1]. */
  start: Int32Array;
  nbr: Int32Array;
}

const topologies = new Map<string, Topology>();

/** Grid contiguity, independent of the mask; cached per (width, height, weights). */
function topology(width: number, height: number, weights: GridWeights): Topology {
  const key = `${width}x${height}:${weights}`;
  const hit = topologies.get(key);
  if (hit) return hit;
  const offsets = weights === 'queen' ? QUEEN : ROOK;
  const size = width * height;
  const start = new Int32Array(size + 1);
  const nbr = new Int32Array(size * offsets.length);
  let e = 0;
  for (let i = 0; i < size; i++) {
    start[i] = e;
    const r = (i / width) | 0;
    const c = i - r * width;
    for (const [dr, dc] of offsets) {
      const rr = r + dr;
      const cc = c + dc;
      if (rr >= 0 && rr < height && cc >= 0 && cc < width) nbr[e++] = rr * width + cc;
    }
  }
  start[size] = e;
  const t = { start, nbr: nbr.slice(0, e) };
  if (topologies.size > 64) topologies.clear();
  topologies.set(key, t);
  return t;
}

let buffers: { ok: Uint8Array; z: Float64Array; invK: Float64Array; cells: Int32Array } | undefined;

/** Reused work arrays (the function is synchronous, so one set suffices). */
function scratch(size: number) {
  if (!buffers || buffers.ok.length < size) {
    buffers = {
      ok: new Uint8Array(size),
      z: new Float64Array(size),
      invK: new Float64Array(size),
      cells: new Int32Array(size),
    };
  }
  return buffers;
}

/** Folded pseudo p-value from random permutations of the valid values (PySAL esda `p_sim`). */
function permutationP(
  topo: Topology,
  size: number,
  ok: Uint8Array,
  zFull: Float64Array,
  invKFull: Float64Array,
  I: number,
  n: number,
  s0: number,
  m2: number,
  perms: number,
  seed: number,
): number {
  // compact the valid cells so a permutation is a shuffle of one array
  const pos = new Int32Array(size).fill(-1);
  const z = new Float64Array(n);
  const invK = new Float64Array(n);
  let p = 0;
  for (let i = 0; i < size; i++) {
    if (!ok[i]) continue;
    pos[i] = p;
    z[p] = zFull[i];
    invK[p] = invKFull[i];
    p++;
  }
  const start = new Int32Array(n + 1);
  const nbr = new Int32Array(topo.nbr.length);
  let e = 0;
  for (let i = 0; i < size; i++) {
    if (!ok[i]) continue;
    start[pos[i]] = e;
    for (let t = topo.start[i]; t < topo.start[i + 1]; t++) {
      const q = pos[topo.nbr[t]];
      if (q >= 0) nbr[e++] = q;
    }
  }
  start[n] = e;
  const rng = mulberry32(seed);
  let larger = 0;
  for (let k = 0; k < perms; k++) {
    for (let a = n - 1; a > 0; a--) {
      const b = Math.floor(rng.next() * (a + 1));
      const tmp = z[a];
      z[a] = z[b];
      z[b] = tmp;
    }
    let c = 0;
    for (let a = 0; a < n; a++) {
      const wi = invK[a];
      if (wi === 0) continue;
      let lag = 0;
      for (let t = start[a]; t < start[a + 1]; t++) lag += z[nbr[t]];
      c += z[a] * lag * wi;
    }
    if (((n / s0) * c) / m2 >= I) larger++;
  }
  if (perms - larger < larger) larger = perms - larger;
  return (larger + 1) / (perms + 1);
}
