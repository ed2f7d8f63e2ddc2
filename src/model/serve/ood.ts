/**
 * Out-of-distribution flag: is this map unlike anything the model was trained on?
 *
 * A Mahalanobis distance (Mahalanobis 1936; as an OOD score, Lee et al. 2018, NeurIPS) in a small
 * space of summary features of the network's input — how much of the 40×40 field is valid, where the
 * valid region sits and how large it is, the level, spread and extremes of V/S and σ/S, and the
 * σ gradient from centre to edge. The mean and covariance come from the training split; the
 * threshold is a high quantile of the training maps' own distances, so about 0.5 % of maps like the
 * training data are flagged by chance. Features come from the input array alone, so predict, the
 * embedded run and the AWS worker flag the same map the same way on any engine.
 */

import type { OodVerdict } from '../../ports/classifier.ts';

export interface OodModel {
  /** Feature names, in order (for model cards). */
  features: string[];
  mean: number[];
  /** Inverse of the (shrunk) covariance, row-major features × features. */
  covInv: number[];
  /** Distances above this are out of distribution. */
  threshold: number;
  /** Quantile of the training distances the threshold sits at. */
  quantile: number;
  n: number;
}

export const OOD_QUANTILE = 0.995;
/** Shrinkage towards the diagonal (Ledoit–Wolf-style, fixed), so a near-singular covariance stays invertible. */
const SHRINK = 0.05;

const NAMES_2 = [
  'valid fraction',
  'valid centroid offset',
  'valid radius',
  'mean |V/S|',
  'std V/S',
  'p98 |V/S|',
  'mean σ/S',
  'std σ/S',
  'σ/S centre − edge',
];
const NAMES_1 = ['valid fraction', 'valid centroid offset', 'valid radius', 'mean |V|', 'std V', 'p98 |V|'];

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const x = q * (sorted.length - 1);
  const lo = Math.floor(x);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (x - lo);
}

/**
 * Summary features of one network input (size × size × C, HWC; C = 1 velocity in km/s, or 2 for the
 * normalised V/S, σ/S). A spaxel is valid when any channel is non-zero (masked spaxels are 0).
 */
export function inputFeatures(input: Float32Array, size: number): number[] {
  const C = input.length / (size * size);
  const c0 = (size - 1) / 2;
  let n = 0;
  let sx = 0;
  let sy = 0;
  const v: number[] = [];
  const s: number[] = [];
  const radii: number[] = [];
  for (let r = 0; r < size; r++) {
    for (let c = 0; c < size; c++) {
      const i = (r * size + c) * C;
      let any = false;
      for (let k = 0; k < C; k++) any ||= input[i + k] !== 0;
      if (!any) continue;
      n++;
      sx += c;
      sy += r;
      v.push(input[i]);
      if (C > 1) s.push(input[i + 1]);
      radii.push(Math.hypot(r - c0, c - c0));
    }
  }
  const total = size * size;
  if (n === 0) return new Array((C > 1 ? NAMES_2 : NAMES_1).length).fill(0);
  const xc = sx / n;
  const yc = sy / n;
  const meanAbs = (a: number[]) => a.reduce((t, x) => t + Math.abs(x), 0) / a.length;
  const mean = (a: number[]) => a.reduce((t, x) => t + x, 0) / a.length;
  const std = (a: number[]) => {
    const m = mean(a);
    return Math.sqrt(a.reduce((t, x) => t + (x - m) ** 2, 0) / a.length);
  };
  const absSorted = v.map(Math.abs).sort((a, b) => a - b);
  const common = [n / total, Math.hypot(xc - c0, yc - c0), Math.sqrt(n / Math.PI)];
  if (C === 1) return [...common, meanAbs(v), std(v), quantile(absSorted, 0.98)];
  const rMed = quantile(
    [...radii].sort((a, b) => a - b),
    0.5,
  );
  const inner = s.filter((_, i) => radii[i] <= rMed);
  const outer = s.filter((_, i) => radii[i] > rMed);
  const gradient = inner.length && outer.length ? mean(inner) - mean(outer) : 0;
  return [...common, meanAbs(v), std(v), quantile(absSorted, 0.98), mean(s), std(s), gradient];
}

/** Gauss–Jordan inverse of a small symmetric positive-definite matrix (row-major d × d). */
function invert(a: number[], d: number): number[] {
  const m = a.slice();
  const inv: number[] = Array.from({ length: d * d }, (_, i) => (i % (d + 1) === 0 ? 1 : 0));
  for (let col = 0; col < d; col++) {
    let piv = col;
    for (let r = col + 1; r < d; r++) if (Math.abs(m[r * d + col]) > Math.abs(m[piv * d + col])) piv = r;
    for (let k = 0; k < d; k++) {
      [m[col * d + k], m[piv * d + k]] = [m[piv * d + k], m[col * d + k]];
      [inv[col * d + k], inv[piv * d + k]] = [inv[piv * d + k], inv[col * d + k]];
    }
    const p = m[col * d + col];
    if (Math.abs(p) < 1e-300) throw new RangeError('singular covariance');
    for (let k = 0; k < d; k++) {
      m[col * d + k] /= p;
      inv[col * d + k] /= p;
    }
    for (let r = 0; r < d; r++) {
      if (r === col) continue;
      const f = m[r * d + col];
      if (f === 0) continue;
      for (let k = 0; k < d; k++) {
        m[r * d + k] -= f * m[col * d + k];
        inv[r * d + k] -= f * inv[col * d + k];
      }
    }
  }
  return inv;
}

function distance(model: Pick<OodModel, 'mean' | 'covInv'>, x: number[]): number {
  const d = model.mean.length;
  const z = x.map((v, i) => v - model.mean[i]);
  let s = 0;
  for (let i = 0; i < d; i++) {
    let row = 0;
    for (let j = 0; j < d; j++) row += model.covInv[i * d + j] * z[j];
    s += z[i] * row;
  }
  return Math.sqrt(Math.max(0, s));
}

/** Fits the OOD model on the training inputs. */
export function fitOod(inputs: readonly Float32Array[], size: number, q = OOD_QUANTILE): OodModel {
  if (inputs.length < 20) throw new RangeError(`an OOD model needs ≥ 20 training maps, got ${inputs.length}`);
  const X = inputs.map((x) => inputFeatures(x, size));
  const d = X[0].length;
  const mean = Array.from({ length: d }, (_, j) => X.reduce((t, r) => t + r[j], 0) / X.length);
  const cov = new Array(d * d).fill(0);
  for (const r of X)
    for (let i = 0; i < d; i++)
      for (let j = 0; j < d; j++) cov[i * d + j] += (r[i] - mean[i]) * (r[j] - mean[j]);
  for (let k = 0; k < d * d; k++) cov[k] /= X.length - 1;
  for (let i = 0; i < d; i++)
    for (let j = 0; j < d; j++)
      cov[i * d + j] = i === j ? cov[i * d + j] + 1e-9 : (1 - SHRINK) * cov[i * d + j];
  const covInv = invert(cov, d);
  const dists = X.map((r) => distance({ mean, covInv }, r)).sort((a, b) => a - b);
  const C = inputs[0].length / (size * size);
  return {
    features: C > 1 ? NAMES_2 : NAMES_1,
    mean,
    covInv,
    threshold: quantile(dists, q),
    quantile: q,
    n: X.length,
  };
}

/** The verdict for one input; undefined when the model has no OOD model (older models). */
export function oodVerdict(
  model: OodModel | undefined,
  input: Float32Array,
  size: number,
): OodVerdict | undefined {
  if (!model) return undefined;
  const x = inputFeatures(input, size);
  if (x.length !== model.mean.length) return undefined;
  const dist = distance(model, x);
  return { distance: dist, threshold: model.threshold, outOfDistribution: !(dist <= model.threshold) };
}

/** The OOD model stored in a model's metrics.json (`ood`), if any. */
export function oodOf(metrics: Record<string, unknown> | undefined): OodModel | undefined {
  const o = (metrics as { ood?: OodModel } | undefined)?.ood;
  return o && Array.isArray(o.mean) && Array.isArray(o.covInv) && typeof o.threshold === 'number'
    ? o
    : undefined;
}
