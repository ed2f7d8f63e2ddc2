import { describe, expect, it } from 'vitest';
import { moranScatter } from './moran-scatter-data.ts';

describe('moranScatter', () => {
  it('gives I = 0.4 for the 1×4 ramp [1, 2, 3, 4] (hand-computed; PySAL lat2W rook, row-standardised)', () => {
    // z ∝ [−1.5, −0.5, 0.5, 1.5]; lags [−0.5, −0.5, 0.5, 0.5]; Σ z·lag / Σ z² = 2 / 5
    const s = moranScatter([1, 2, 3, 4], undefined, 4, 1);
    expect(s.I).toBeCloseTo(0.4, 12);
    expect(s.n).toBe(4);
  });

  it('gives I = −1 for a checkerboard (every neighbour has the opposite sign)', () => {
    const w = 6;
    const v = Array.from({ length: w * w }, (_, i) => ((Math.floor(i / w) + (i % w)) % 2 ? 1 : -1));
    expect(moranScatter(v, undefined, w, w).I).toBeCloseTo(-1, 12);
  });

  it('regresses lag on z with slope I (least squares through the origin, no islands)', () => {
    const w = 8;
    const v = Array.from({ length: w * w }, (_, i) => Math.sin(i * 1.3) + (i % w) * 0.5);
    const s = moranScatter(v, undefined, w, w);
    const slope = s.z.reduce((a, z, k) => a + z * s.lag[k], 0) / s.z.reduce((a, z) => a + z * z, 0);
    expect(slope).toBeCloseTo(s.I, 12);
  });

  it('ignores invalid spaxels and drops islands from the plot but not from n', () => {
    // 5×1 line: an isolated spaxel, a gap, then three connected ones
    const v = [5, Number.NaN, 1, 2, 3];
    const valid = [1, 0, 1, 1, 1];
    const s = moranScatter(v, valid, 5, 1);
    expect(s.n).toBe(4);
    expect(s.z).toHaveLength(3);
  });
});

describe('moranScatter vs src/maps moransI', () => {
  it('gives the same global I as the science module on fixture velocity maps', async () => {
    const { moransI } = await import('../maps/index.ts');
    const { fixtureMap } = await import('../../test/support/report-fixtures.ts');
    for (const id of ['100000', '105550']) {
      const v = fixtureMap(id);
      const valid = Uint8Array.from(v, (x) => (Number.isFinite(x) ? 1 : 0));
      expect(moranScatter(v, valid, 40, 40).I).toBeCloseTo(
        moransI(v, valid, 40, 40, { weights: 'rook' }).I,
        10,
      );
    }
  });
});
