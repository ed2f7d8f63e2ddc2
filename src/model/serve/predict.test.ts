import { beforeAll, describe, expect, it } from 'vitest';
import { syntheticDataset } from '../../../test/support/synthetic-maps.ts';
import { initBackend } from '../backend.ts';
import { buildModel } from '../train/network.ts';
import { checkThresholds, classify, predictMaps, ThresholdError } from './predict.ts';

type Tf = Awaited<ReturnType<typeof initBackend>>['tf'];
let tf: Tf;
beforeAll(async () => {
  tf = (await initBackend(undefined, { log: () => {} })).tf;
});

describe('predict', () => {
  it('applies the paper thresholds: fast ≥ 0.95, slow ≤ 0.05, uncertain between', () => {
    expect(classify(0.95)).toBe('fast');
    expect(classify(0.9499)).toBe('uncertain');
    expect(classify(0.05)).toBe('slow');
    expect(classify(0.7, { fast: 0.6, slow: 0.4 })).toBe('fast');
    expect(() => checkThresholds({ fast: 0.3, slow: 0.4 })).toThrow(ThresholdError);
  });

  it('calibrates with the temperature and reports MC-dropout uncertainty when asked', async () => {
    const model = buildModel(tf, { convFilters: [8], denseUnits: [8, 4], seed: 2 });
    const maps = syntheticDataset(5, 1).inputs;
    const raw = await predictMaps(tf, model, maps);
    const hot = await predictMaps(tf, model, maps, { temperature: 2, uncertaintyPasses: 8 });
    raw.forEach((r, i) => {
      expect(r.probability).toBeCloseTo(1 / (1 + Math.exp(-r.logit)), 6);
      expect(hot[i].logit).toBeCloseTo(r.logit, 5);
      expect(hot[i].probability).toBeCloseTo(1 / (1 + Math.exp(-r.logit / 2)), 6);
      expect(hot[i].uncertainty?.passes).toBe(8);
      expect(hot[i].uncertainty?.std).toBeGreaterThanOrEqual(0);
    });
    expect(raw[0].uncertainty).toBeUndefined();
    model.dispose();
  });
});
