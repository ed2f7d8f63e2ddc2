/**
 * Shortcut audit of a labeled survey: can nuisance alone tell the labels apart?
 *
 * Features describe only what is not kinematics — the footprint of valid spaxels, the S/N, the light
 * profile and the flux noise — computed from the written FITS files (or a MockGalaxy's planes). Two
 * simple classifiers (L2 logistic regression on standardised features; gradient-boosted depth-2 trees)
 * are scored by stratified 5-fold cross-validated ROC AUC. A nuisance-free survey gives AUC ≈ 0.5.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { parseFits } from '../fits/index.ts';
import { mulberry32 } from '../maps/random.ts';
import { readCatalogue } from './catalogue.ts';
import type { MockGalaxy } from './family.ts';

export const AUDIT_FEATURES = [
  'n_valid',
  'centroid_dx',
  'centroid_dy',
  'footprint_size',
  'footprint_elongation',
  'snr_q25',
  'snr_median',
  'snr_q75',
  'flux_concentration',
  'flux_profile_slope',
  'rel_flux_noise',
] as const;
export type AuditFeature = (typeof AUDIT_FEATURES)[number];
export type AuditFeatures = number[];

/** The planes the audit reads (row-major width × height, NaN where invalid). */
export interface AuditPlanes {
  width: number;
  height: number;
  pixelScaleArcsec: number;
  velocity: ArrayLike<number>;
  flux: ArrayLike<number>;
  fluxError: ArrayLike<number>;
  snr: ArrayLike<number>;
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  const x = q * (sorted.length - 1);
  const lo = Math.floor(x);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (x - lo);
}

/** Nuisance-only features of one galaxy, in the order of {@link AUDIT_FEATURES}. */
export function auditFeaturesOfPlanes(p: AuditPlanes): AuditFeatures {
  const { width, height, velocity, flux, fluxError, snr } = p;
  let n = 0;
  let sx = 0;
  let sy = 0;
  let fw = 0;
  let fx = 0;
  let fy = 0;
  const snrs: number[] = [];
  const relNoise: number[] = [];
  for (let r = 0; r < height; r++) {
    for (let c = 0; c < width; c++) {
      const i = r * width + c;
      if (!Number.isFinite(velocity[i])) continue;
      n++;
      sx += c;
      sy += r;
      if (Number.isFinite(snr[i])) snrs.push(snr[i]);
      const f = flux[i];
      if (Number.isFinite(f) && f > 0) {
        fw += f;
        fx += f * c;
        fy += f * r;
        if (Number.isFinite(fluxError[i])) relNoise.push(fluxError[i] / f);
      }
    }
  }
  const gc = { x: (width - 1) / 2, y: (height - 1) / 2 };
  const mx = n > 0 ? sx / n : gc.x;
  const my = n > 0 ? sy / n : gc.y;
  let cxx = 0;
  let cyy = 0;
  let cxy = 0;
  const lx = fw > 0 ? fx / fw : mx;
  const ly = fw > 0 ? fy / fw : my;
  const rInner = 2 / p.pixelScaleArcsec;
  const rMid = 4 / p.pixelScaleArcsec;
  const rOuter = 6 / p.pixelScaleArcsec;
  let fIn = 0;
  let fMid = 0;
  let fOut = 0;
  for (let r = 0; r < height; r++) {
    for (let c = 0; c < width; c++) {
      const i = r * width + c;
      if (!Number.isFinite(velocity[i])) continue;
      cxx += (c - mx) ** 2;
      cyy += (r - my) ** 2;
      cxy += (c - mx) * (r - my);
      const f = flux[i];
      if (!(Number.isFinite(f) && f > 0)) continue;
      const d2 = (c - lx) ** 2 + (r - ly) ** 2;
      if (d2 <= rInner * rInner) fIn += f;
      if (d2 <= rMid * rMid) fMid += f;
      if (d2 <= rOuter * rOuter) fOut += f;
    }
  }
  if (n > 0) {
    cxx /= n;
    cyy /= n;
    cxy /= n;
  }
  const tr = cxx + cyy;
  const disc = Math.sqrt(Math.max(0, ((cxx - cyy) / 2) ** 2 + cxy * cxy));
  const l1 = tr / 2 + disc;
  const l2 = Math.max(0, tr / 2 - disc);
  snrs.sort((a, b) => a - b);
  relNoise.sort((a, b) => a - b);
  return [
    n,
    mx - gc.x,
    my - gc.y,
    Math.sqrt(tr),
    l1 > 0 ? 1 - Math.sqrt(l2 / l1) : 0,
    quantile(snrs, 0.25),
    quantile(snrs, 0.5),
    quantile(snrs, 0.75),
    fOut > 0 ? fIn / fOut : 0,
    fMid > 0 && fIn > 0 ? Math.log(fMid / fIn) : 0,
    quantile(relNoise, 0.5),
  ];
}

export function auditFeaturesOfGalaxy(g: MockGalaxy): AuditFeatures {
  return auditFeaturesOfPlanes(g);
}

// ---------------------------------------------------------------- classifiers

/** ROC AUC (Mann–Whitney, ties counted half) of scores for labels 1 vs 0. */
export function rocAuc(scores: readonly number[], labels: readonly number[]): number {
  const idx = scores.map((_, i) => i).sort((a, b) => scores[a] - scores[b]);
  let pos = 0;
  let rankSum = 0;
  for (let i = 0; i < idx.length; ) {
    let j = i;
    while (j + 1 < idx.length && scores[idx[j + 1]] === scores[idx[i]]) j++;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) {
      if (labels[idx[k]] === 1) {
        pos++;
        rankSum += rank;
      }
    }
    i = j + 1;
  }
  const neg = labels.length - pos;
  if (pos === 0 || neg === 0) return Number.NaN;
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

function standardiser(x: readonly number[][]): (row: readonly number[]) => number[] {
  const d = x[0]?.length ?? 0;
  const mean = new Array<number>(d).fill(0);
  const sd = new Array<number>(d).fill(0);
  for (const row of x) for (let j = 0; j < d; j++) mean[j] += row[j] / x.length;
  for (const row of x) for (let j = 0; j < d; j++) sd[j] += (row[j] - mean[j]) ** 2 / x.length;
  for (let j = 0; j < d; j++) sd[j] = Math.sqrt(sd[j]) || 1;
  return (row) => row.map((v, j) => (v - mean[j]) / sd[j]);
}

/** Solves A x = b (A symmetric positive definite, small) by Gaussian elimination with pivoting. */
function solve(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r][c]) > Math.abs(m[p][c])) p = r;
    [m[c], m[p]] = [m[p], m[c]];
    const piv = m[c][c] || 1e-12;
    for (let r = c + 1; r < n; r++) {
      const f = m[r][c] / piv;
      for (let k = c; k <= n; k++) m[r][k] -= f * m[c][k];
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = m[r][n];
    for (let k = r + 1; k < n; k++) s -= m[r][k] * x[k];
    x[r] = s / (m[r][r] || 1e-12);
  }
  return x;
}

/** L2-penalised logistic regression on standardised features (Newton–IRLS); returns a scorer. */
export function fitLogistic(
  x: readonly number[][],
  y: readonly number[],
  l2 = 1,
): (row: readonly number[]) => number {
  const std = standardiser(x);
  const z = x.map(std);
  const d = (z[0]?.length ?? 0) + 1;
  let w = new Array<number>(d).fill(0);
  for (let it = 0; it < 25; it++) {
    const g = new Array<number>(d).fill(0);
    const h = Array.from({ length: d }, () => new Array<number>(d).fill(0));
    for (let i = 0; i < z.length; i++) {
      const xi = [1, ...z[i]];
      let s = 0;
      for (let j = 0; j < d; j++) s += w[j] * xi[j];
      const p = sigmoid(s);
      const wt = Math.max(p * (1 - p), 1e-9);
      for (let j = 0; j < d; j++) {
        g[j] += (p - y[i]) * xi[j];
        for (let k = 0; k < d; k++) h[j][k] += wt * xi[j] * xi[k];
      }
    }
    for (let j = 1; j < d; j++) {
      g[j] += l2 * w[j];
      h[j][j] += l2;
    }
    h[0][0] += 1e-9;
    const step = solve(h, g);
    w = w.map((v, j) => v - step[j]);
    if (Math.max(...step.map(Math.abs)) < 1e-8) break;
  }
  return (row) => {
    const zi = std(row);
    let s = w[0];
    for (let j = 1; j < d; j++) s += w[j] * zi[j - 1];
    return s;
  };
}

interface Stump {
  feature: number;
  threshold: number;
}
interface Tree {
  root: Stump;
  left: Stump | null;
  right: Stump | null;
  /** Leaf values: left-left, left-right, right-left, right-right. */
  leaves: [number, number, number, number];
}

/** Candidate thresholds: midpoints between `bins` quantiles of each feature. */
function thresholdsOf(x: readonly number[][], bins: number): number[][] {
  const d = x[0]?.length ?? 0;
  const out: number[][] = [];
  for (let j = 0; j < d; j++) {
    const s = x.map((r) => r[j]).sort((a, b) => a - b);
    const t = new Set<number>();
    for (let b = 1; b < bins; b++) {
      const k = Math.floor((b * s.length) / bins);
      if (k > 0 && k < s.length && s[k] !== s[k - 1]) t.add((s[k] + s[k - 1]) / 2);
    }
    out.push([...t]);
  }
  return out;
}

/** Best split (by the Newton gain of the logistic loss) of the rows `idx`, or null. */
function bestSplit(
  x: readonly number[][],
  g: Float64Array,
  h: Float64Array,
  idx: readonly number[],
  thr: number[][],
  lambda: number,
  minLeaf: number,
): Stump | null {
  let G = 0;
  let H = 0;
  for (const i of idx) {
    G += g[i];
    H += h[i];
  }
  const parent = (G * G) / (H + lambda);
  let best: Stump | null = null;
  let bestGain = 1e-12;
  for (let j = 0; j < thr.length; j++) {
    const ts = thr[j];
    if (ts.length === 0) continue;
    const gl = new Float64Array(ts.length + 1);
    const hl = new Float64Array(ts.length + 1);
    const nl = new Float64Array(ts.length + 1);
    for (const i of idx) {
      const v = x[i][j];
      // bucket b: v lies above thresholds 0..b-1
      let lo = 0;
      let hi = ts.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (v > ts[mid]) lo = mid + 1;
        else hi = mid;
      }
      gl[lo] += g[i];
      hl[lo] += h[i];
      nl[lo]++;
    }
    let cg = 0;
    let ch = 0;
    let cn = 0;
    for (let b = 0; b < ts.length; b++) {
      cg += gl[b];
      ch += hl[b];
      cn += nl[b];
      if (cn < minLeaf || idx.length - cn < minLeaf) continue;
      const rg = G - cg;
      const rh = H - ch;
      const gain = (cg * cg) / (ch + lambda) + (rg * rg) / (rh + lambda) - parent;
      if (gain > bestGain) {
        bestGain = gain;
        best = { feature: j, threshold: ts[b] };
      }
    }
  }
  return best;
}

/** Gradient-boosted depth-2 trees on the logistic loss; returns a scorer (log-odds). */
export function fitBoostedTrees(
  x: readonly number[][],
  y: readonly number[],
  opts: { rounds?: number; learningRate?: number; lambda?: number; bins?: number; minLeaf?: number } = {},
): (row: readonly number[]) => number {
  const rounds = opts.rounds ?? 100;
  const lr = opts.learningRate ?? 0.1;
  const lambda = opts.lambda ?? 1;
  const minLeaf = opts.minLeaf ?? 10;
  const thr = thresholdsOf(x, opts.bins ?? 16);
  const pos = y.reduce((s, v) => s + v, 0);
  const base = Math.log(Math.max(pos, 0.5) / Math.max(y.length - pos, 0.5));
  const f = new Float64Array(y.length).fill(base);
  const g = new Float64Array(y.length);
  const h = new Float64Array(y.length);
  const trees: Tree[] = [];
  const all = y.map((_, i) => i);
  const leafValue = (idx: number[]) => {
    let G = 0;
    let H = 0;
    for (const i of idx) {
      G += g[i];
      H += h[i];
    }
    return (-lr * G) / (H + lambda);
  };
  for (let t = 0; t < rounds; t++) {
    for (let i = 0; i < y.length; i++) {
      const p = sigmoid(f[i]);
      g[i] = p - y[i];
      h[i] = Math.max(p * (1 - p), 1e-9);
    }
    const root = bestSplit(x, g, h, all, thr, lambda, minLeaf);
    if (!root) break;
    const L = all.filter((i) => x[i][root.feature] <= root.threshold);
    const R = all.filter((i) => x[i][root.feature] > root.threshold);
    const left = bestSplit(x, g, h, L, thr, lambda, minLeaf);
    const right = bestSplit(x, g, h, R, thr, lambda, minLeaf);
    const part = (idx: number[], s: Stump | null): [number[], number[]] =>
      s
        ? [
            idx.filter((i) => x[i][s.feature] <= s.threshold),
            idx.filter((i) => x[i][s.feature] > s.threshold),
          ]
        : [idx, []];
    const [ll, lr2] = part(L, left);
    const [rl, rr] = part(R, right);
    const tree: Tree = {
      root,
      left,
      right,
      leaves: [leafValue(ll), leafValue(lr2), leafValue(rl), leafValue(rr)],
    };
    trees.push(tree);
    for (const i of all) f[i] += evalTree(tree, x[i]);
  }
  return (row) => {
    let s = base;
    for (const tree of trees) s += evalTree(tree, row);
    return s;
  };
}

function evalTree(t: Tree, row: readonly number[]): number {
  if (row[t.root.feature] <= t.root.threshold) {
    return t.left && row[t.left.feature] > t.left.threshold ? t.leaves[1] : t.leaves[0];
  }
  return t.right && row[t.right.feature] > t.right.threshold ? t.leaves[3] : t.leaves[2];
}

/** Stratified k-fold assignment, shuffled deterministically by `seed`. */
export function stratifiedFolds(y: readonly number[], k: number, seed: number): number[] {
  const rng = mulberry32(seed);
  const fold = new Array<number>(y.length).fill(0);
  for (const cls of [0, 1]) {
    const idx = y.map((v, i) => (v === cls ? i : -1)).filter((i) => i >= 0);
    for (let i = idx.length - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [idx[i], idx[j]] = [idx[j], idx[i]];
    }
    const offset = rng.int(k);
    idx.forEach((i, r) => {
      fold[i] = (r + offset) % k;
    });
  }
  return fold;
}

export interface ClassifierScore {
  /** AUC of the pooled out-of-fold scores. */
  auc: number;
  /** AUC of each fold. */
  foldAucs: number[];
}

export interface AuditResult {
  n: number;
  fast: number;
  slow: number;
  folds: number;
  features: string[];
  logistic: ClassifierScore;
  boosted: ClassifierScore;
  /** Univariate AUC of each feature (slow = positive; 0.5 = no information; |AUC − 0.5| is what counts). */
  perFeature: { feature: string; auc: number; fastMedian: number; slowMedian: number }[];
}

/** Cross-validated AUC of both classifiers on feature rows `x` and labels `y` (1 = slow, 0 = fast). */
export function auditSurvey(
  x: readonly number[][],
  y: readonly number[],
  opts: { folds?: number; seed?: number; featureNames?: readonly string[] } = {},
): AuditResult {
  const k = opts.folds ?? 5;
  const names = [...(opts.featureNames ?? AUDIT_FEATURES)];
  const slow = y.reduce((s, v) => s + v, 0);
  if (slow < k || y.length - slow < k) {
    throw new RangeError(
      `audit needs at least ${k} fast and ${k} slow galaxies (got ${y.length - slow} fast, ${slow} slow)`,
    );
  }
  const fold = stratifiedFolds(y, k, opts.seed ?? 1);
  const score = (
    train: (x: number[][], y: number[]) => (row: readonly number[]) => number,
  ): ClassifierScore => {
    const oof = new Array<number>(y.length).fill(0);
    const foldAucs: number[] = [];
    for (let f = 0; f < k; f++) {
      const tr = y.map((_, i) => i).filter((i) => fold[i] !== f);
      const te = y.map((_, i) => i).filter((i) => fold[i] === f);
      const model = train(
        tr.map((i) => [...x[i]]),
        tr.map((i) => y[i]),
      );
      for (const i of te) oof[i] = model(x[i]);
      foldAucs.push(
        rocAuc(
          te.map((i) => oof[i]),
          te.map((i) => y[i]),
        ),
      );
    }
    return { auc: rocAuc(oof, y), foldAucs };
  };
  const median = (a: number[]) =>
    quantile(
      [...a].sort((p, q) => p - q),
      0.5,
    );
  return {
    n: y.length,
    fast: y.length - slow,
    slow,
    folds: k,
    features: names,
    logistic: score((a, b) => fitLogistic(a, b)),
    boosted: score((a, b) => fitBoostedTrees(a, b)),
    perFeature: names.map((feature, j) => {
      const col = x.map((r) => r[j]);
      return {
        feature,
        auc: rocAuc(col, y),
        fastMedian: median(col.filter((_, i) => y[i] === 0)),
        slowMedian: median(col.filter((_, i) => y[i] === 1)),
      };
    }),
  };
}

/** Audits a survey folder (catalogue.csv + the velocity FITS files it names): labeled galaxies only. */
export async function auditSurveyDir(
  dir: string,
  opts: { folds?: number; seed?: number } = {},
): Promise<AuditResult & { data: string }> {
  const catalogue = dir.endsWith('.csv') ? dir : join(dir, 'catalogue.csv');
  const base = dirname(catalogue);
  const rows = (await readCatalogue(catalogue)).filter((r) => r.label !== 'unknown');
  const x: number[][] = [];
  const y: number[] = [];
  for (const row of rows) {
    const file = join(base, row.velocityFile);
    const fits = parseFits(new Uint8Array(await readFile(file)), file);
    const primary = fits.hdus[0];
    const [width, height] = primary.naxis;
    const plane = (name: string) => {
      const hdu = fits.hdu(name);
      if (!hdu) throw new Error(`${file}: no ${name} extension`);
      return hdu.image();
    };
    const cdelt = primary.header.getNumber('CDELT2');
    x.push(
      auditFeaturesOfPlanes({
        width,
        height,
        pixelScaleArcsec: cdelt ? Math.abs(cdelt) * 3600 : 0.5,
        velocity: primary.image(),
        flux: plane('FLUX'),
        fluxError: plane('FLUX_ERR'),
        snr: plane('SNR'),
      }),
    );
    y.push(row.label === 'slow' ? 1 : 0);
  }
  return { data: catalogue, ...auditSurvey(x, y, opts) };
}
