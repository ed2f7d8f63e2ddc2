import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { accuracy, auc, confusion, perClass, rocCurve } from './metrics.ts';

describe('classification metrics (fast = positive)', () => {
  it('counts the confusion matrix and per-class scores by hand', () => {
    const labels = [1, 1, 1, 0, 0, 1];
    const p = [0.9, 0.6, 0.2, 0.7, 0.1, 0.5];
    const c = confusion(labels, p);
    expect(c).toEqual({ tp: 3, fn: 1, fp: 1, tn: 1 });
    expect(accuracy(c)).toBeCloseTo(4 / 6, 12);
    const m = perClass(c);
    expect(m.fast).toEqual({ precision: 0.75, recall: 0.75, f1: 0.75, support: 4 });
    expect(m.slow.precision).toBe(0.5);
    expect(m.slow.recall).toBe(0.5);
    expect(m.slow.support).toBe(2);
  });

  it('AUC: 1 for perfect ranking, 0.5 for ties, and equals the Mann–Whitney statistic', () => {
    expect(auc(rocCurve([0, 0, 1, 1], [0.1, 0.2, 0.8, 0.9]))).toBe(1);
    expect(auc(rocCurve([0, 1, 0, 1], [0.5, 0.5, 0.5, 0.5]))).toBe(0.5);
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 1 }), fc.integer({ min: 0, max: 20 })), {
          minLength: 2,
          maxLength: 60,
        }),
        (rows) => {
          const labels = rows.map((r) => r[0]);
          const p = rows.map((r) => r[1] / 20);
          const pos = rows.filter((r) => r[0] === 1);
          const neg = rows.filter((r) => r[0] === 0);
          if (pos.length === 0 || neg.length === 0) return;
          let u = 0;
          for (const a of pos) for (const b of neg) u += a[1] > b[1] ? 1 : a[1] === b[1] ? 0.5 : 0;
          expect(auc(rocCurve(labels, p))).toBeCloseTo(u / (pos.length * neg.length), 10);
        },
      ),
    );
  });

  it('ROC runs from (0,0) to (1,1) monotonically', () => {
    const roc = rocCurve([1, 0, 1, 0, 1], [0.3, 0.4, 0.8, 0.1, 0.8]);
    expect(roc[0]).toMatchObject({ fpr: 0, tpr: 0 });
    expect(roc.at(-1)).toMatchObject({ fpr: 1, tpr: 1 });
    for (let i = 1; i < roc.length; i++) {
      expect(roc[i].fpr).toBeGreaterThanOrEqual(roc[i - 1].fpr);
      expect(roc[i].tpr).toBeGreaterThanOrEqual(roc[i - 1].tpr);
    }
  });
});
