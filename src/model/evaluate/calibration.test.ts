import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../maps/random.ts';
import {
  applyTemperature,
  expectedCalibrationError,
  fitTemperature,
  reliabilityBins,
  sigmoid,
  temperedNll,
} from './calibration.ts';

/** Labels drawn from σ(z_true); the model reports z = k · z_true (over-confident for k > 1). */
function overconfident(n: number, k: number, seed: number) {
  const rng = mulberry32(seed);
  const logits: number[] = [];
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const zTrue = rng.normal() * 2;
    labels.push(rng.next() < sigmoid(zTrue) ? 1 : 0);
    logits.push(k * zTrue);
  }
  return { logits, labels };
}

describe('temperature scaling and ECE', () => {
  it('recovers the over-confidence factor as the temperature', () => {
    const { logits, labels } = overconfident(20000, 3, 1);
    expect(fitTemperature(logits, labels)).toBeGreaterThan(2.7);
    expect(fitTemperature(logits, labels)).toBeLessThan(3.3);
  });

  it('the fitted temperature minimises the NLL and lowers the ECE', () => {
    const { logits, labels } = overconfident(5000, 4, 2);
    const t = fitTemperature(logits, labels);
    for (const other of [t * 0.8, t * 1.25, 1]) {
      expect(temperedNll(logits, labels, t)).toBeLessThanOrEqual(temperedNll(logits, labels, other));
    }
    const before = expectedCalibrationError(applyTemperature(logits, 1), labels);
    const after = expectedCalibrationError(applyTemperature(logits, t), labels);
    expect(before).toBeGreaterThan(0.05);
    expect(after).toBeLessThan(0.03);
  });

  it('bins probabilities into equal-width bins with counts, mean p and fraction positive', () => {
    const bins = reliabilityBins([0.05, 0.15, 0.12, 0.95, 1.0], [0, 1, 0, 1, 1], 10);
    expect(bins).toHaveLength(10);
    expect(bins[0]).toMatchObject({ lo: 0, hi: 0.1, count: 1, meanP: 0.05, fracPositive: 0 });
    expect(bins[1].count).toBe(2);
    expect(bins[1].fracPositive).toBe(0.5);
    expect(bins[9].count).toBe(2);
    // ECE by hand: (1·0.05 + 2·|0.135−0.5| + 2·|0.975−1|)/5
    expect(expectedCalibrationError([0.05, 0.15, 0.12, 0.95, 1.0], [0, 1, 0, 1, 1])).toBeCloseTo(
      (0.05 + 2 * 0.365 + 2 * 0.025) / 5,
      12,
    );
  });
});
