import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SplitError, stratifiedSplit } from './split.ts';

describe('stratifiedSplit', () => {
  it('splits the paper sample 70/15/15 by galaxy, keeping the class ratio', () => {
    const labels = [...new Array(980).fill(1), ...new Array(132).fill(0)];
    const s = stratifiedSplit(labels, 1);
    expect([s.train.length, s.validation.length, s.test.length]).toEqual([778, 167, 167]);
    const slow = (idx: number[]) => idx.filter((i) => labels[i] === 0).length;
    expect([slow(s.train), slow(s.validation), slow(s.test)]).toEqual([92, 20, 20]);
  });

  it('is a partition, deterministic per seed, and different across seeds', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 1 }), { minLength: 1, maxLength: 300 }),
        fc.nat(),
        (labels, seed) => {
          const s = stratifiedSplit(labels, seed);
          const all = [...s.train, ...s.validation, ...s.test].sort((a, b) => a - b);
          expect(all).toEqual(labels.map((_, i) => i));
          expect(stratifiedSplit(labels, seed)).toEqual(s);
          // Per class, each part is within one galaxy of its share.
          for (const cls of [0, 1]) {
            const n = labels.filter((l) => l === cls).length;
            const inTest = s.test.filter((i) => labels[i] === cls).length;
            expect(Math.abs(inTest - n * 0.15)).toBeLessThanOrEqual(1);
          }
        },
      ),
      { numRuns: 100 },
    );
    const labels = new Array(200).fill(0).map((_, i) => i % 2);
    expect(stratifiedSplit(labels, 1).test).not.toEqual(stratifiedSplit(labels, 2).test);
  });

  it('rejects fractions that do not sum to one', () => {
    expect(() => stratifiedSplit([0, 1], 1, { train: 0.7, validation: 0.2, test: 0.2 })).toThrow(SplitError);
  });
});
