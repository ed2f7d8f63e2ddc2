import { describe, expect, it } from 'vitest';
import { buildModelInput } from '../../maps/model-input.ts';
import { planSurvey } from '../../survey/index.ts';
import { fitOod, inputFeatures, oodOf, oodVerdict } from './ood.ts';

const SIZE = 40;

function inputs(seed: number, n: number): Float32Array[] {
  const out: Float32Array[] = [];
  for (const g of planSurvey({ family: 'analytic', n, seed, slowFraction: 0.5, unknown: 0 })) {
    out.push(buildModelInput(g.galaxy, 'velocity+dispersion').input);
  }
  return out;
}

describe('out-of-distribution flag', () => {
  const train = inputs(5, 160);
  const model = fitOod(train, SIZE);

  it('passes held-out maps of the training distribution (about the chosen quantile are flagged)', () => {
    const held = inputs(6, 80);
    const flagged = held.filter((x) => oodVerdict(model, x, SIZE)?.outOfDistribution).length;
    expect(flagged / held.length).toBeLessThan(0.1);
  });

  it('flags maps unlike the training data: a tiny footprint, pure noise, a saturated field', () => {
    const tiny = new Float32Array(SIZE * SIZE * 2);
    for (let r = 19; r < 22; r++)
      for (let c = 19; c < 22; c++) {
        tiny[(r * SIZE + c) * 2] = 0.1;
        tiny[(r * SIZE + c) * 2 + 1] = 1;
      }
    let s = 1;
    const rand = () => ((s = (s * 16807) % 2147483647) / 2147483647) * 2 - 1;
    const noise = Float32Array.from({ length: SIZE * SIZE * 2 }, (_, i) => (i % 2 ? 1 + rand() : 3 * rand()));
    const saturated = Float32Array.from({ length: SIZE * SIZE * 2 }, (_, i) =>
      i % 2 ? 4 : (i / 2) % SIZE < 20 ? -4 : 4,
    );
    for (const x of [tiny, noise, saturated]) {
      const v = oodVerdict(model, x, SIZE);
      expect(v?.outOfDistribution).toBe(true);
      expect(v?.distance).toBeGreaterThan(v?.threshold ?? Number.POSITIVE_INFINITY);
    }
  });

  it('round-trips through metrics.json and says nothing for models without one', () => {
    const stored = JSON.parse(JSON.stringify({ ood: model }));
    const back = oodOf(stored);
    expect(back?.threshold).toBe(model.threshold);
    expect(oodVerdict(back, train[0], SIZE)?.distance).toBeCloseTo(
      oodVerdict(model, train[0], SIZE)?.distance ?? 0,
      9,
    );
    expect(oodOf({})).toBeUndefined();
    expect(oodVerdict(undefined, train[0], SIZE)).toBeUndefined();
  });

  it('features have one value per name for both input kinds', () => {
    expect(inputFeatures(train[0], SIZE)).toHaveLength(model.features.length);
    const velocityOnly = new Float32Array(SIZE * SIZE).fill(5);
    expect(inputFeatures(velocityOnly, SIZE)).toHaveLength(6);
  });
});
