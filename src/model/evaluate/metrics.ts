/**
 * Binary classification metrics with fast (label 1) as the positive class: confusion matrix,
 * accuracy, per-class precision/recall/F1, ROC curve and its area (trapezoidal; equals the
 * Mann–Whitney probability that a random fast galaxy scores above a random slow one, ties ½).
 */

export interface Confusion {
  tp: number;
  fp: number;
  tn: number;
  fn: number;
}

export interface ClassMetrics {
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface RocPoint {
  fpr: number;
  tpr: number;
  threshold: number;
}

export function confusion(labels: ArrayLike<number>, p: ArrayLike<number>, threshold = 0.5): Confusion {
  const c: Confusion = { tp: 0, fp: 0, tn: 0, fn: 0 };
  for (let i = 0; i < labels.length; i++) {
    const predFast = p[i] >= threshold;
    if (labels[i] === 1) predFast ? c.tp++ : c.fn++;
    else predFast ? c.fp++ : c.tn++;
  }
  return c;
}

const ratio = (a: number, b: number) => (b === 0 ? 0 : a / b);

export function accuracy(c: Confusion): number {
  return ratio(c.tp + c.tn, c.tp + c.tn + c.fp + c.fn);
}

function classMetrics(tp: number, fp: number, fn: number): ClassMetrics {
  const precision = ratio(tp, tp + fp);
  const recall = ratio(tp, tp + fn);
  return { precision, recall, f1: ratio(2 * precision * recall, precision + recall), support: tp + fn };
}

/** Per class: for "slow" the roles of positive and negative swap. */
export function perClass(c: Confusion): { fast: ClassMetrics; slow: ClassMetrics } {
  return { fast: classMetrics(c.tp, c.fp, c.fn), slow: classMetrics(c.tn, c.fn, c.fp) };
}

/** ROC from the highest threshold down; one point per distinct score, starting at (0, 0). */
export function rocCurve(labels: ArrayLike<number>, p: ArrayLike<number>): RocPoint[] {
  const idx = Array.from({ length: labels.length }, (_, i) => i).sort((a, b) => p[b] - p[a]);
  let pos = 0;
  for (let i = 0; i < labels.length; i++) pos += labels[i] === 1 ? 1 : 0;
  const neg = labels.length - pos;
  const pts: RocPoint[] = [{ fpr: 0, tpr: 0, threshold: Number.POSITIVE_INFINITY }];
  let tp = 0;
  let fp = 0;
  for (let k = 0; k < idx.length; k++) {
    const i = idx[k];
    if (labels[i] === 1) tp++;
    else fp++;
    if (k === idx.length - 1 || p[idx[k + 1]] !== p[i]) {
      pts.push({ fpr: ratio(fp, neg), tpr: ratio(tp, pos), threshold: p[i] });
    }
  }
  return pts;
}

export function auc(roc: readonly RocPoint[]): number {
  let area = 0;
  for (let i = 1; i < roc.length; i++)
    area += ((roc[i].fpr - roc[i - 1].fpr) * (roc[i].tpr + roc[i - 1].tpr)) / 2;
  return area;
}
