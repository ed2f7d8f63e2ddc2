import { describe, expect, it } from 'vitest';
import { mulberry32 } from './random.ts';
import { MapScience, measureMapScience } from './science.ts';
import type { KinematicMap } from './types.ts';

const N = 40;

function disc(withDispersion: boolean): KinematicMap {
  const rng = mulberry32(2);
  const velocity = new Float64Array(N * N);
  const dispersion = new Float64Array(N * N);
  const flux = new Float64Array(N * N);
  const valid = new Uint8Array(N * N).fill(1);
  for (let r = 0; r < N; r++) {
    for (let c = 0; c < N; c++) {
      const x = c - 19.5;
      const y = r - 19.5;
      const R = Math.hypot(x, y / 0.6);
      const i = r * N + c;
      velocity[i] = 40 + (R > 0 ? (200 * (2 / Math.PI) * Math.atan(R / 3) * x) / R : 0) + 3 * rng.normal();
      dispersion[i] = 110 + 3 * rng.normal();
      flux[i] = Math.exp(-R / 5);
    }
  }
  velocity[15 * N + 22] += 400; // a hot spaxel
  return {
    galaxyId: 'd',
    survey: 'synthetic',
    width: N,
    height: N,
    pixelScaleArcsec: 0.5,
    velocity,
    dispersion: withDispersion ? dispersion : undefined,
    flux,
    valid,
    source: { velocityFile: 'd' },
  };
}

describe('measureMapScience', () => {
  it('stores λRe, ε, Re, the systemic velocity, the class and the rejected counts', () => {
    const s = measureMapScience(disc(true));
    expect(MapScience.parse(s)).toEqual(s);
    expect(s.lambdaRe).toBeGreaterThan(0.5);
    expect(s.ellipticity).toBeGreaterThan(0.3);
    expect(s.reArcsec).toBeGreaterThan(0);
    expect(Math.abs((s.systemicKms ?? 0) - 40)).toBeLessThan(3);
    expect(s.rotatorClass).toBe('fast');
    expect(s.rejected?.outliers).toBeGreaterThanOrEqual(1);
    expect(s.moransI).toBeGreaterThan(0.8);
    expect(s.nValid).toBe(N * N);
  });

  it('keeps Moran’s I only when the map has no dispersion', () => {
    const s = measureMapScience(disc(false));
    expect(s.lambdaRe).toBeUndefined();
    expect(s.rotatorClass).toBeUndefined();
    expect(s.moransI).toBeGreaterThan(0.8);
  });
});
