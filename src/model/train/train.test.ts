import { beforeAll, describe, expect, it } from 'vitest';
import { syntheticDataset } from '../../../test/support/synthetic-maps.ts';
import { initBackend } from '../backend.ts';
import { predictProbabilities } from '../serve/batched.ts';
import { trainClassifier } from './train.ts';

type Tf = Awaited<ReturnType<typeof initBackend>>['tf'];
let tf: Tf;
beforeAll(async () => {
  tf = (await initBackend(undefined, { log: () => {} })).tf;
});

const SMALL = { convFilters: [8, 16], denseUnits: [16, 8], learningRate: 2e-3 };

describe('trainClassifier', () => {
  it('honest protocol: splits by galaxy, keeps memory flat across epochs, restores the best epoch', async () => {
    const data = syntheticDataset(80, 1, 0.25);
    const tensors: number[] = [];
    const result = await trainClassifier(tf, data, {
      epochs: 4,
      batchSize: 16,
      seed: 2,
      model: SMALL,
      onEpoch: () => tensors.push(tf.memory().numTensors),
    });
    // Galaxies never cross splits.
    const train = new Set(result.trainGalaxies);
    expect(train.size).toBe(56);
    for (const id of [...result.validation.ids, ...result.test.ids]) expect(train.has(id)).toBe(false);
    expect(result.test.ids.length).toBe(12);
    expect(result.history).toHaveLength(4);
    // 14 slow train galaxies oversampled ×3 to balance 42 fast: 42 + 42.
    expect(result.trainSamplesPerEpoch).toBe(84);
    expect(new Set(tensors).size).toBe(1);
    // The slow oversampling (×3) is undone on the logit after training: a shift of log 3.
    expect(result.priorShift).toBeCloseTo(Math.log(3), 12);
    // Without that shift, the returned model is the best epoch's.
    const best = result.history.find((r) => r.epoch === result.bestEpoch);
    const pv = predictProbabilities(tf, result.model, result.validation.inputs, 40);
    const unshifted = (p: number) => Math.log(p / (1 - p)) - result.priorShift >= 0;
    const valAcc =
      pv.reduce((s, p, i) => s + ((unshifted(p) ? 1 : 0) === result.validation.labels[i] ? 1 : 0), 0) /
      pv.length;
    expect(valAcc).toBeCloseTo(best?.valAcc ?? -1, 10);
    for (const r of result.history) {
      expect(Number.isFinite(r.loss)).toBe(true);
      expect(r.samplesPerSec).toBeGreaterThan(0);
    }
    result.model.dispose();
  });

  it('paper protocol: augmented copies of one galaxy land in both train and test (the leak)', async () => {
    const data = syntheticDataset(30, 3, 0.3);
    const result = await trainClassifier(tf, data, {
      protocol: 'paper',
      epochs: 1,
      seed: 1,
      model: SMALL,
      paperCopies: { fast: 3, slow: 6 },
    });
    expect(result.trainSamplesPerEpoch).toBe(Math.round((21 * 3 + 9 * 6) * 0.7));
    const trained = new Set(result.trainGalaxies);
    const leaked = result.test.ids.filter((id) => trained.has(id));
    expect(leaked.length).toBeGreaterThan(result.test.ids.length / 2);
    expect(result.validation).toBe(result.test);
    // Its validation comes from the same oversampled pool as training: nothing to correct.
    expect(result.priorShift).toBe(0);
    result.model.dispose();
  });
});
