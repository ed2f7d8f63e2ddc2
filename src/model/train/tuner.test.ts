import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { syntheticDataset } from '../../../test/support/synthetic-maps.ts';
import { mulberry32 } from '../../maps/random.ts';
import { initBackend } from '../backend.ts';
import type { Tf } from '../explain/attribution-forward.ts';
import type { LabeledMaps } from './labelled-survey.ts';
import { stratifiedSplit } from './split.ts';
import {
  betterTrial,
  hyperbandSchedule,
  PAPER_SPACE,
  type SearchSpace,
  sampleConfig,
  TunerError,
  trialsCsv,
  tune,
} from './tuner.ts';

const SMALL_SPACE: SearchSpace = {
  convLayers: { min: 1, max: 2 },
  filters: { min: 4, max: 8, step: 4 },
  learningRates: [1e-2, 1e-3],
};
const SIZE = 20;
const SMALL = {
  space: SMALL_SPACE,
  model: { inputSize: SIZE, denseUnits: [8] },
  train: { batchSize: 16, augment: false },
};

let tf: Tf;
let data: LabeledMaps;

beforeAll(async () => {
  ({ tf } = await initBackend(process.env.GALSPIN_BACKEND ?? 'auto', { log: () => {} }));
  data = syntheticDataset(60, 4, 0.4, SIZE);
}, 120_000);

describe('search space and schedule', () => {
  it('samples only from the paper space (1–4 layers, 32–256 filters step 32, three learning rates)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), (seed) => {
        const rng = mulberry32(seed);
        const c = sampleConfig(PAPER_SPACE, () => rng.next());
        expect(c.convFilters.length).toBeGreaterThanOrEqual(1);
        expect(c.convFilters.length).toBeLessThanOrEqual(4);
        for (const f of c.convFilters) {
          expect(f % 32).toBe(0);
          expect(f).toBeGreaterThanOrEqual(32);
          expect(f).toBeLessThanOrEqual(256);
        }
        expect([1e-2, 1e-3, 1e-4]).toContain(c.learningRate);
      }),
    );
    // ...and reaches every value of it.
    const rng = mulberry32(1);
    const seen = { layers: new Set<number>(), filters: new Set<number>(), lr: new Set<number>() };
    for (let i = 0; i < 2000; i++) {
      const c = sampleConfig(PAPER_SPACE, () => rng.next());
      seen.layers.add(c.convFilters.length);
      for (const f of c.convFilters) seen.filters.add(f);
      seen.lr.add(c.learningRate);
    }
    expect([seen.layers.size, seen.filters.size, seen.lr.size]).toEqual([4, 8, 3]);
  });

  it('follows Hyperband (Li et al. 2018) for R = 9, η = 3', () => {
    const s = hyperbandSchedule(9, 3).map((b) => b.map((r) => [r.configs, r.epochs]));
    expect(s).toEqual([
      [
        [9, 1],
        [3, 3],
        [1, 9],
      ],
      [
        [5, 3],
        [1, 9],
      ],
      [[3, 9]],
    ]);
    expect(() => hyperbandSchedule(0, 3)).toThrow(TunerError);
  });

  it('ranks on validation accuracy, then validation loss', () => {
    const t = (valAcc: number, valLoss: number) => ({ valAcc, valLoss }) as Parameters<typeof betterTrial>[0];
    const sorted = [t(0.8, 0.3), t(0.9, 0.5), t(0.9, 0.2)].sort(betterTrial);
    expect(sorted.map((x) => [x.valAcc, x.valLoss])).toEqual([
      [0.9, 0.2],
      [0.9, 0.5],
      [0.8, 0.3],
    ]);
  });
});

describe('tune', () => {
  it('random search: distinct trials within the budget, best chosen on validation, CSV table', async () => {
    const r = await tune(tf, data, { ...SMALL, strategy: 'random', maxTrials: 3, epochs: 2, seed: 5 });
    expect(r.trials).toHaveLength(3);
    expect(r.stopped).toBe('done');
    expect(new Set(r.trials.map((t) => `${t.config.convFilters}@${t.config.learningRate}`)).size).toBe(3);
    const bestAcc = Math.max(...r.trials.map((t) => t.valAcc));
    expect(r.best?.valAcc).toBe(bestAcc);
    for (const t of r.trials) {
      expect(t.epochs).toBeLessThanOrEqual(2);
      expect(t.params).toBeGreaterThan(0);
    }
    const csv = trialsCsv(r.trials).trim().split('\n');
    expect(csv).toHaveLength(4);
    expect(csv[0].split(',')).toContain('val_acc');
  }, 180_000);

  it('never reads the test split: replacing test maps by noise changes nothing', async () => {
    const split = stratifiedSplit(data.labels, 7);
    const noisy: LabeledMaps = { ...data, inputs: [...data.inputs] };
    const rng = mulberry32(123);
    for (const i of split.test)
      noisy.inputs[i] = Float32Array.from({ length: SIZE * SIZE }, () => rng.normal() * 300);
    const opts = { ...SMALL, strategy: 'random' as const, maxTrials: 2, epochs: 1, seed: 7 };
    const a = await tune(tf, data, opts);
    const b = await tune(tf, noisy, opts);
    expect(b.trials.map((t) => t.config)).toEqual(a.trials.map((t) => t.config));
    b.trials.forEach((t, i) => {
      expect(t.valAcc).toBeCloseTo(a.trials[i].valAcc, 6);
      expect(t.valLoss).toBeCloseTo(a.trials[i].valLoss, 4);
    });
  }, 180_000);

  it('stops at the time budget and runs Hyperband brackets with growing epochs', async () => {
    let clock = 0;
    const timed = await tune(tf, data, {
      ...SMALL,
      maxTrials: 10,
      epochs: 1,
      maxMinutes: 1.5,
      // Each reading of the clock advances one minute: the second trial would start past the budget.
      now: () => (clock += 30_000),
    });
    expect(timed.stopped).toBe('time');
    expect(timed.trials.length).toBeLessThan(10);

    const hb = await tune(tf, data, {
      ...SMALL,
      strategy: 'hyperband',
      maxTrials: 6,
      epochs: 3,
      eta: 3,
      seed: 2,
    });
    // R = 3, η = 3: bracket 0 trains 3 configs × 1 epoch, then the best 1 for 3 epochs; bracket 1: 2 × 3.
    expect(hb.trials.map((t) => [t.bracket, t.round])).toEqual([
      [0, 0],
      [0, 0],
      [0, 0],
      [0, 1],
      [1, 0],
      [1, 0],
    ]);
    const first = hb.trials.slice(0, 3).sort(betterTrial)[0];
    expect(hb.trials[3].config).toEqual(first.config);
  }, 240_000);
});
