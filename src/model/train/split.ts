/**
 * Splits labeled galaxies into train / validation / test BY GALAXY, stratified by label and seeded,
 * before any augmentation — so no rotated copy of a test galaxy is ever trained on (the flaw of the
 * paper's protocol, Chegeni et al. 2025, where augmentation precedes the split).
 */

import { GalspinError } from '../../errors.ts';
import { mulberry32, type Rng } from '../../maps/random.ts';

export interface SplitFractions {
  train: number;
  validation: number;
  test: number;
}

export const DEFAULT_FRACTIONS: Readonly<SplitFractions> = Object.freeze({
  train: 0.7,
  validation: 0.15,
  test: 0.15,
});

/** Indices into the input arrays, each sorted ascending. */
export interface Split {
  train: number[];
  validation: number[];
  test: number[];
}

export class SplitError extends GalspinError {
  override name = 'SplitError';
}

/** Fisher–Yates shuffle in place. */
export function shuffleInPlace<T>(a: T[], rng: Rng): T[] {
  for (let i = a.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

/**
 * Stratified split: within each label the items are shuffled and cut at round(n·train) and
 * round(n·(train+validation)), so each part keeps the class ratio to within one galaxy per class.
 */
export function stratifiedSplit(
  labels: ArrayLike<number>,
  seed: number,
  fractions: SplitFractions = DEFAULT_FRACTIONS,
): Split {
  const total = fractions.train + fractions.validation + fractions.test;
  if (
    Math.abs(total - 1) > 1e-9 ||
    [fractions.train, fractions.validation, fractions.test].some((f) => f < 0)
  ) {
    throw new SplitError(`split fractions must be ≥ 0 and sum to 1 (got ${total})`);
  }
  const rng = mulberry32(seed);
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < labels.length; i++) {
    const list = byClass.get(labels[i]) ?? [];
    list.push(i);
    byClass.set(labels[i], list);
  }
  const out: Split = { train: [], validation: [], test: [] };
  for (const key of [...byClass.keys()].sort((a, b) => a - b)) {
    const idx = shuffleInPlace(byClass.get(key) as number[], rng);
    const n = idx.length;
    const a = Math.round(n * fractions.train);
    const b = Math.round(n * (fractions.train + fractions.validation));
    out.train.push(...idx.slice(0, a));
    out.validation.push(...idx.slice(a, b));
    out.test.push(...idx.slice(b));
  }
  for (const part of [out.train, out.validation, out.test]) part.sort((x, y) => x - y);
  return out;
}
