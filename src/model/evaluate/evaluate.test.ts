import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../maps/random.ts';
import { metricsFromLogits } from './evaluate.ts';

function scored(n: number, seed: number, sep: number, scale: number) {
  const rng = mulberry32(seed);
  const ids: string[] = [];
  const labels: number[] = [];
  const logits: number[] = [];
  for (let i = 0; i < n; i++) {
    // True log-odds z ~ N(sep, 2²); the model reports scale·z (over-confident for scale > 1).
    const z = sep + 2 * rng.normal();
    ids.push(`g${seed}-${i}`);
    labels.push(rng.next() < 1 / (1 + Math.exp(-z)) ? 1 : 0);
    logits.push(scale * z);
  }
  return { ids, labels, logits };
}

describe('metricsFromLogits', () => {
  it('fills the metrics.json test block consistently', () => {
    const test = scored(1000, 1, 1.5, 3);
    const m = metricsFromLogits(test, scored(1000, 2, 1.5, 3));
    const { tp, fp, tn, fn } = m.confusion;
    expect(tp + fp + tn + fn).toBe(1000);
    expect(m.n).toBe(1000);
    expect(m.accuracy).toBeCloseTo((tp + tn) / 1000, 12);
    expect(m.perClass.fast.support).toBe(tp + fn);
    expect(m.falsePositives).toHaveLength(fp);
    expect(m.falseNegatives).toHaveLength(fn);
    expect(m.auc).toBeGreaterThan(0.75);
    expect(m.roc[0]).toEqual({ fpr: 0, tpr: 0, threshold: 1 });
    expect(m.probabilities).toHaveLength(1000);
    expect(m.calibration.bins).toHaveLength(10);
    // Logits 3× too confident: the temperature fitted on validation comes out near 3 and lowers the ECE.
    expect(m.calibration.temperature).toBeGreaterThan(2.5);
    expect(m.calibration.temperature).toBeLessThan(3.6);
    expect(m.calibration.eceAfter).toBeLessThan(0.05);
    expect(m.calibration.eceAfter).toBeLessThan(m.calibration.eceBefore);
    // False positives are slow galaxies called fast.
    for (const id of m.falsePositives) expect(test.labels[test.ids.indexOf(id)]).toBe(0);
    expect(JSON.parse(JSON.stringify(m))).toEqual(m);
  });
});
