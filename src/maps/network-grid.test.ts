import { describe, expect, it } from 'vitest';
import { cropCentre, dedupByGalaxyId, preprocessMap, resamplePlane } from './network-grid.ts';
import type { KinematicMap } from './types.ts';

function map(
  width: number,
  height: number,
  scale: number,
  f: (c: number, r: number) => number,
): KinematicMap {
  const velocity = new Float64Array(width * height);
  const valid = new Uint8Array(width * height);
  for (let r = 0; r < height; r++) {
    for (let c = 0; c < width; c++) {
      const v = f(c, r);
      velocity[r * width + c] = v;
      valid[r * width + c] = Number.isFinite(v) ? 1 : 0;
    }
  }
  return {
    galaxyId: 'g',
    survey: 'unknown',
    width,
    height,
    pixelScaleArcsec: scale,
    velocity,
    valid,
    source: { velocityFile: 'x' },
  };
}

describe('preprocessMap', () => {
  it('takes rows and columns 5..44 of a 50×50 map and zeroes NaN', () => {
    const m = map(50, 50, 0.5, (c, r) => (c === 30 && r === 30 ? Number.NaN : r * 100 + c));
    const p = preprocessMap(m);
    expect(p.size).toBe(40);
    expect(p.input[0]).toBe(5 * 100 + 5);
    expect(p.input[39 * 40 + 39]).toBe(44 * 100 + 44);
    expect(p.input[25 * 40 + 25]).toBe(0);
    expect(p.valid[25 * 40 + 25]).toBe(0);
    expect(p.valid[0]).toBe(1);
  });

  it('zero-pads a smaller map centred (a 34×34 map lands at offset 3)', () => {
    const p = preprocessMap(map(34, 34, 0.5, () => 7));
    expect(p.input[2 * 40 + 2]).toBe(0);
    expect(p.input[3 * 40 + 3]).toBe(7);
    expect(p.input[36 * 40 + 36]).toBe(7);
    expect(p.input[37 * 40 + 37]).toBe(0);
    expect(p.valid.reduce((a, b) => a + b, 0)).toBe(34 * 34);
  });

  it('resamples a 1″ map to 0.5″ spaxels, preserving a linear field about the centre', () => {
    // 25 × 25 spaxels of 1″ → 50 × 50 of 0.5″; v = 10 × (x offset in arcsec)
    const coarse = map(25, 25, 1, (c) => 10 * (c - 12));
    const p = preprocessMap(coarse);
    // output column c of the crop is at offset (c + 5 − 24.5) × 0.5″
    for (const c of [5, 10, 19, 20, 30]) {
      const expected = 10 * (c + 5 - 24.5) * 0.5;
      expect(p.input[20 * 40 + c]).toBeCloseTo(expected, 6);
    }
  });

  it('carries dispersion and flux as extra channels with the same crop', () => {
    const m = map(50, 50, 0.5, () => 1);
    m.dispersion = new Float64Array(2500).fill(150);
    m.flux = new Float64Array(2500).fill(2);
    const p = preprocessMap(m);
    expect(p.channels?.dispersion?.[0]).toBe(150);
    expect(p.channels?.flux?.[1599]).toBe(2);
  });
});

describe('resamplePlane and cropCentre', () => {
  it('keeps invalid regions invalid after resampling', () => {
    const data = new Float64Array(100).fill(1);
    const valid = new Uint8Array(100).fill(1);
    for (let i = 0; i < 50; i++) valid[i] = 0; // bottom half invalid
    const out = resamplePlane({ data, valid, width: 10, height: 10 }, 1, 0.5);
    expect(out.width).toBe(20);
    expect(out.valid[0]).toBe(0);
    expect(out.valid[19 * 20 + 19]).toBe(1);
    expect(out.data[19 * 20 + 19]).toBe(1);
  });

  it('crops an odd-sized map with the floor offset', () => {
    const data = Float64Array.from({ length: 45 * 45 }, (_, i) => i);
    const { data: crop } = cropCentre(
      { data, valid: new Uint8Array(45 * 45).fill(1), width: 45, height: 45 },
      40,
    );
    expect(crop[0]).toBe(2 * 45 + 2);
  });
});

describe('dedupByGalaxyId', () => {
  it('keeps the first map of each galaxy and reports the duplicates', () => {
    const { kept, duplicates } = dedupByGalaxyId([
      { galaxyId: 'a', n: 1 },
      { galaxyId: 'b', n: 2 },
      { galaxyId: 'a', n: 3 },
    ]);
    expect(kept.map((k) => k.n)).toEqual([1, 2]);
    expect(duplicates).toEqual(['a']);
  });
});
