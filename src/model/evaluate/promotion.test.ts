import { describe, expect, it } from 'vitest';
import { TABLE1_CONFIG } from '../train/network.ts';
import {
  type Contender,
  decidePromotion,
  demoReasons,
  inputKindOf,
  MIN_BENCHMARK_GALAXIES,
  MIN_TRAINING_GALAXIES,
  mcnemarExact,
  PromotionError,
  pairedComparison,
} from './promotion.ts';

describe('mcnemarExact (one-sided, challenger better)', () => {
  it('matches known binomial tails', () => {
    expect(mcnemarExact(0, 10)).toBeCloseTo(0.5 ** 10, 12); // 0.000977
    expect(mcnemarExact(0, 10)).toBeCloseTo(0.000977, 6);
    expect(mcnemarExact(10, 0)).toBe(1);
    expect(mcnemarExact(0, 0)).toBe(1);
    expect(mcnemarExact(0, 1)).toBeCloseTo(0.5, 12);
    expect(mcnemarExact(1, 1)).toBeCloseTo(0.75, 12);
    // P(X ≥ 8 | n = 10) = (45 + 10 + 1) / 1024
    expect(mcnemarExact(2, 8)).toBeCloseTo(56 / 1024, 12);
    // P(X ≥ 15 | n = 20) = 21700 / 2^20
    expect(mcnemarExact(5, 15)).toBeCloseTo(21700 / 2 ** 20, 12);
    // Equal split: a bit over one half.
    expect(mcnemarExact(5, 5)).toBeCloseTo(638 / 1024, 12);
  });

  it('is monotone and stays finite for large counts', () => {
    expect(mcnemarExact(40, 60)).toBeLessThan(mcnemarExact(45, 55));
    const big = mcnemarExact(4000, 4300);
    expect(big).toBeGreaterThan(0);
    expect(big).toBeLessThan(0.01);
    expect(mcnemarExact(5000, 5000)).toBeGreaterThan(0.5);
  });

  it('refuses negative or fractional counts', () => {
    expect(() => mcnemarExact(-1, 2)).toThrow(PromotionError);
    expect(() => mcnemarExact(1.5, 2)).toThrow(PromotionError);
  });
});

const table1Metrics = (nGalaxies = 1112, extra: Record<string, unknown> = {}) => ({
  config: {
    ...TABLE1_CONFIG,
    convFilters: [...TABLE1_CONFIG.convFilters],
    denseUnits: [...TABLE1_CONFIG.denseUnits],
  },
  data: { nGalaxies },
  ...extra,
});

describe('demoReasons and inputKindOf', () => {
  it('Table 1 on enough galaxies is not a demo; the small config or too few galaxies are', () => {
    expect(demoReasons(table1Metrics())).toEqual([]);
    // Learning rate, seed and channels may vary.
    expect(demoReasons(table1Metrics(600, {}))).toEqual([]);
    const small = {
      config: { ...TABLE1_CONFIG, convFilters: [16, 32], denseUnits: [32] },
      data: { nGalaxies: 2000 },
    };
    expect(demoReasons(small).join()).toMatch(
      /not the Table 1 network \(convFilters \[16,32\], denseUnits \[32\]\)/,
    );
    expect(demoReasons(table1Metrics(40)).join()).toMatch(
      `trained on 40 galaxies (< ${MIN_TRAINING_GALAXIES})`,
    );
    expect(demoReasons(undefined).length).toBeGreaterThan(0);
    expect(demoReasons(table1Metrics(1112, { demo: true }))).toEqual(['marked demo']);
  });

  it('a champion without inputKind reads velocity', () => {
    expect(inputKindOf({})).toBe('velocity');
    expect(inputKindOf(undefined)).toBe('velocity');
    expect(inputKindOf({ inputKind: 'velocity+dispersion' })).toBe('velocity+dispersion');
  });
});

/** n labels and two score vectors with the given counts of (both right, only challenger, only champion, both wrong). */
function benchmarkOf(bothRight: number, onlyChallenger: number, onlyChampion: number, bothWrong: number) {
  const labels: number[] = [];
  const challenger: number[] = [];
  const champion: number[] = [];
  const add = (k: number, ch: boolean, cp: boolean) => {
    for (let i = 0; i < k; i++) {
      const y = (labels.length % 3 === 0 ? 0 : 1) as number;
      labels.push(y);
      challenger.push(ch === (y === 1) ? 0.9 : 0.1);
      champion.push(cp === (y === 1) ? 0.8 : 0.2);
    }
  };
  add(bothRight, true, true);
  add(onlyChallenger, true, false);
  add(onlyChampion, false, true);
  add(bothWrong, false, false);
  return { labels, challenger, champion };
}

const contender = (version: string, probs?: number[], extra: Partial<Contender> = {}): Contender => ({
  version,
  inputKind: 'velocity',
  demoReasons: [],
  benchmarkProbabilities: probs,
  ...extra,
});

describe('decidePromotion', () => {
  it('pairedComparison counts the discordant pairs at P = 0.5', () => {
    const { labels, challenger, champion } = benchmarkOf(480, 15, 3, 2);
    const cmp = pairedComparison('bench', labels, challenger, champion);
    expect(cmp).toMatchObject({ n: 500, b: 3, c: 15 });
    expect(cmp.challengerAccuracy).toBeCloseTo(495 / 500, 12);
    expect(cmp.championAccuracy).toBeCloseTo(483 / 500, 12);
    expect(cmp.pValue).toBeCloseTo(mcnemarExact(3, 15), 12);
  });

  it('promotes a clearly better challenger and records the comparison', () => {
    const { labels, challenger, champion } = benchmarkOf(480, 15, 3, 2);
    const d = decidePromotion({
      challenger: contender('new', challenger),
      champion: contender('old', champion),
      benchmark: { name: 'cross-generator', labels },
    });
    expect(d.promoted).toBe(true);
    expect(d.comparison?.pValue).toBeLessThan(0.05);
    expect(d.reason).toMatch(
      /better on 500 galaxies of cross-generator: accuracy 0\.990 vs champion old 0\.966/,
    );
  });

  it('never promotes an equal or worse challenger, nor a slightly better one that is not significant', () => {
    for (const [c, b] of [
      [0, 0],
      [5, 5],
      [3, 15],
      [8, 4], // p ≈ 0.19
    ]) {
      const { labels, challenger, champion } = benchmarkOf(490 - b - c, c, b, 10);
      const d = decidePromotion({
        challenger: contender('new', challenger),
        champion: contender('old', champion),
        benchmark: { name: 'b', labels },
      });
      expect(d.promoted, `c=${c} b=${b}`).toBe(false);
      expect(d.reason).toMatch(/not significantly better/);
    }
  });

  it('never promotes a demo model, even a far better one', () => {
    const { labels, challenger, champion } = benchmarkOf(400, 100, 0, 0);
    const d = decidePromotion({
      challenger: contender('demo', challenger, { demoReasons: ['trained on 40 galaxies (< 500)'] }),
      champion: contender('old', champion),
      benchmark: { name: 'b', labels },
    });
    expect(d).toEqual({
      promoted: false,
      reason: 'demo is a demo model (trained on 40 galaxies (< 500)); demo models are never promoted',
    });
  });

  it('never promotes across input kinds', () => {
    const { labels, challenger, champion } = benchmarkOf(400, 100, 0, 0);
    const d = decidePromotion({
      challenger: contender('new', challenger, { inputKind: 'velocity+dispersion' }),
      champion: contender('old', champion),
      benchmark: { name: 'b', labels },
    });
    expect(d.promoted).toBe(false);
    expect(d.reason).toMatch(/reads velocity\+dispersion, champion old reads velocity/);
  });

  it(`never promotes without a benchmark or on fewer than ${MIN_BENCHMARK_GALAXIES} galaxies`, () => {
    const none = decidePromotion({ challenger: contender('new', []), champion: contender('old', []) });
    expect(none.promoted).toBe(false);
    expect(none.reason).toMatch(/no benchmark/);
    const { labels, challenger, champion } = benchmarkOf(300, 199, 0, 0);
    const small = decidePromotion({
      challenger: contender('new', challenger),
      champion: contender('old', champion),
      benchmark: { name: 'small', labels },
    });
    expect(small.promoted).toBe(false);
    expect(small.reason).toMatch(/benchmark small has 499 galaxies \(< 500\)/);
  });

  it('with no champion the first model becomes champion, saying so when it is a demo', () => {
    expect(decidePromotion({ challenger: contender('first') }).promoted).toBe(true);
    const d = decidePromotion({ challenger: contender('first', undefined, { demoReasons: ['x'] }) });
    expect(d.promoted).toBe(true);
    expect(d.reason).toMatch(/first champion although it is a demo model/);
  });
});
