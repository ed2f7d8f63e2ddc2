import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { moransI } from './moran.ts';
import { mulberry32 } from './random.ts';

const ORACLE = JSON.parse(
  readFileSync(join(import.meta.dirname, '../../test/oracles/moran_oracle.json'), 'utf8'),
);

function grid(w: number, h: number, f: (c: number, r: number) => number) {
  const values = new Float64Array(w * h);
  for (let r = 0; r < h; r++) for (let c = 0; c < w; c++) values[r * w + c] = f(c, r);
  return values;
}
const all = (n: number) => new Uint8Array(n).fill(1);

function close(actual: number, expected: number, rel = 1e-9) {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(rel * Math.max(1, Math.abs(expected)));
}

describe("Moran's I — hand-computed grids", () => {
  it('1×4 line 1,2,3,4 (rook): I = 0.4, E = −1/3, Var_norm = 68/240 − 1/9', () => {
    const m = moransI([1, 2, 3, 4], all(4), 4, 1);
    close(m.I, 0.4);
    close(m.expected, -1 / 3);
    close(m.variance, 68 / 240 - 1 / 9);
    close(m.z, (0.4 + 1 / 3) / Math.sqrt(68 / 240 - 1 / 9));
  });

  it('2×2 grid 1,2 / 3,4 (rook): the lags cancel, I = 0', () => {
    expect(moransI([1, 2, 3, 4], all(4), 2, 2).I).toBeCloseTo(0, 15);
  });
});

describe("Moran's I — known patterns", () => {
  it('checkerboard is exactly −1 under rook weights', () => {
    const v = grid(40, 40, (c, r) => ((r + c) % 2 === 0 ? 1 : -1));
    close(moransI(v, all(1600), 40, 40).I, -1, 1e-12);
  });

  it('a smooth gradient is close to +1 (rook and queen), with p_sim = 1/(perms+1)', () => {
    const v = grid(40, 40, (c, r) => 3 * c + 2 * r);
    const rook = moransI(v, all(1600), 40, 40, { permutations: 199, seed: 1 });
    expect(rook.I).toBeGreaterThan(0.97);
    expect(rook.I).toBeLessThanOrEqual(1);
    expect(rook.pPermutation).toBeCloseTo(1 / 200, 12);
    expect(rook.pAnalytic).toBeLessThan(1e-100);
    expect(moransI(v, all(1600), 40, 40, { weights: 'queen' }).I).toBeGreaterThan(0.95);
  });

  it('shuffled noise averages to E[I] = −1/(n−1)', () => {
    const rng = mulberry32(7);
    const valid = all(1600);
    let sum = 0;
    const trials = 200;
    let var0 = 0;
    for (let t = 0; t < trials; t++) {
      const v = grid(40, 40, () => rng.normal());
      const m = moransI(v, valid, 40, 40);
      sum += m.I;
      var0 = m.variance;
    }
    const mean = sum / trials;
    // the mean of 200 draws is within 4 standard errors of E[I]
    expect(Math.abs(mean - -1 / 1599)).toBeLessThan(4 * Math.sqrt(var0 / trials));
  });

  it('ignores invalid spaxels: NaN/zero padding outside the mask does not change I', () => {
    const rng = mulberry32(3);
    const v = grid(20, 20, (c) => c + rng.normal());
    const valid = grid(20, 20, (c, r) => ((c - 9.5) ** 2 + (r - 9.5) ** 2 < 49 ? 1 : 0));
    const mask = Uint8Array.from(valid);
    const padded = v.map((x, i) => (mask[i] ? x : 0));
    const withNaN = v.map((x, i) => (mask[i] ? x : Number.NaN));
    const a = moransI(padded, mask, 20, 20);
    const b = moransI(withNaN, all(400), 20, 20);
    close(a.I, b.I, 1e-12);
    expect(a.n).toBe(b.n);
    expect(moransI(padded, all(400), 20, 20).I).not.toBeCloseTo(a.I, 3);
  });

  it('permutation p-value of noise is not significant and is reproducible per seed', () => {
    const rng = mulberry32(11);
    const v = grid(30, 30, () => rng.normal());
    const a = moransI(v, all(900), 30, 30, { permutations: 999, seed: 5 });
    const b = moransI(v, all(900), 30, 30, { permutations: 999, seed: 5 });
    expect(a.pPermutation).toBe(b.pPermutation);
    expect(a.pPermutation).toBeGreaterThan(0.01);
    expect(a.pPermutation).toBeLessThanOrEqual(0.5 + 1 / 1000);
  });
});

describe("Moran's I — independent numpy oracle (test/oracles/moran_oracle.py)", () => {
  for (const c of ORACLE.cases) {
    it(c.name, () => {
      const m = moransI(c.values, Uint8Array.from(c.valid), c.width, c.height, { weights: c.weights });
      const e = c.expected;
      expect(m.n).toBe(e.n);
      expect(m.islands).toBe(e.islands);
      close(m.I, e.I);
      close(m.expected, e.EI);
      close(m.variance, e.VI_norm);
      close(m.z, e.z_norm);
      close(m.varianceRandomisation, e.VI_rand);
      close(m.zRandomisation, e.z_rand);
      // erfc approximation: relative error < 1.2e-7
      expect(Math.abs(m.pAnalytic - e.p_norm)).toBeLessThanOrEqual(2e-7 * e.p_norm + 1e-300);
      expect(Math.abs(m.pRandomisation - e.p_rand)).toBeLessThanOrEqual(2e-7 * e.p_rand + 1e-300);
    });
  }
});
