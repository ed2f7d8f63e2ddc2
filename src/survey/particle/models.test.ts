import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../maps/random.ts';
import {
  assignVelocities,
  dispersionAt,
  drawKind,
  drawModel,
  drawSersicRadius,
  FAST_KINDS,
  fillNormals,
  SLOW_KINDS,
  samplePositions,
  sersicRadiusTable,
} from './models.ts';

const quantile = (a: Float64Array | number[], p: number) => {
  const s = Float64Array.from(a).sort();
  return s[Math.floor(p * (s.length - 1))];
};

describe('particle models', () => {
  it('the inverse-CDF radius table agrees with exact Gamma sampling of the deprojected Sérsic profile', () => {
    for (const n of [0.5, 1, 2.5, 4, 8]) {
      const rng = mulberry32(3);
      const exact = Array.from({ length: 20000 }, () => drawSersicRadius(n, rng));
      const table = sersicRadiusTable(n);
      for (const p of [0.1, 0.25, 0.5, 0.75, 0.9]) {
        const fromTable = table[Math.round(p * (table.length - 1))];
        expect(Math.abs(fromTable / quantile(exact, p) - 1)).toBeLessThan(0.05);
      }
    }
  });

  it('stars are stratified on ellipsoids of axes (1, p, q)', () => {
    const rng = mulberry32(1);
    const model = drawModel('triaxial', 3, 150, 4, rng);
    const pos = samplePositions(model, 40000, rng);
    let sx = 0;
    let sy = 0;
    let sz = 0;
    for (let i = 0; i < pos.n; i++) {
      // truncate so the heavy tail does not dominate the moments
      const m2 = pos.x[i] ** 2 + (pos.y[i] / model.p) ** 2 + (pos.z[i] / model.q) ** 2;
      if (m2 > 4) continue;
      sx += pos.x[i] ** 2;
      sy += pos.y[i] ** 2;
      sz += pos.z[i] ** 2;
    }
    expect(Math.sqrt(sy / sx)).toBeCloseTo(model.p, 1);
    expect(Math.sqrt(sz / sx)).toBeCloseTo(model.q, 1);
  });

  it('polar-method normals have zero mean and unit variance', () => {
    const g = fillNormals(new Float64Array(100001), mulberry32(2));
    let m = 0;
    let v = 0;
    for (const x of g) m += x / g.length;
    for (const x of g) v += (x - m) ** 2 / g.length;
    expect(Math.abs(m)).toBeLessThan(0.01);
    expect(Math.abs(v - 1)).toBeLessThan(0.02);
  });

  it('σ(r) starts at σ0 and falls outward', () => {
    const rng = mulberry32(4);
    for (const kind of [...FAST_KINDS, ...SLOW_KINDS]) {
      const d = drawModel(kind, 4, 180, 4, rng).components[0].dispersion;
      expect(dispersionAt(d, 0)).toBeCloseTo(180, 6);
      expect(dispersionAt(d, 8)).toBeLessThan(dispersionAt(d, 1));
    }
  });

  it('an oblate rotator streams about z with the drawn sense; a non-rotator has no mean motion', () => {
    const rng = mulberry32(5);
    const rot = drawModel('oblate-rotator', 2, 100, 4, rng);
    const pos = samplePositions(rot, 20000, rng);
    const v = assignVelocities(rot, pos, rng);
    // angular momentum about z: Σ (x vy − y vx) has the sign of vMax
    let lz = 0;
    for (let i = 0; i < pos.n; i++) lz += pos.x[i] * v.vy[i] - pos.y[i] * v.vx[i];
    expect(Math.sign(lz)).toBe(Math.sign(rot.components[0].streaming.vMaxKms));
    const hot = drawModel('non-rotating', 2, 100, 4, rng);
    const p2 = samplePositions(hot, 20000, rng);
    const v2 = assignVelocities(hot, p2, rng);
    let mean = 0;
    for (let i = 0; i < p2.n; i++) mean += v2.vy[i] * Math.sign(p2.x[i]);
    expect(Math.abs(mean / p2.n)).toBeLessThan(3);
  });

  it('draws every kind of a population and none of the other', () => {
    const rng = mulberry32(6);
    const slow = new Set(Array.from({ length: 400 }, () => drawKind('slow', rng)));
    expect([...slow].sort()).toEqual([...SLOW_KINDS].sort());
    expect(new Set(Array.from({ length: 50 }, () => drawKind('fast', rng)))).toEqual(new Set(FAST_KINDS));
  });
});
