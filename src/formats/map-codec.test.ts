import { describe, expect, it } from 'vitest';
import { decodeStoredMap, encodeStoredMap, inputOf, MapCodecError, type StoredMap } from './map-codec.ts';

function map(withKinematics: boolean, size = 40): StoredMap {
  const n = size * size;
  return {
    meta: {
      galaxyId: 'g1',
      size,
      provenance: { sourceKey: 'incoming/g1.fits', survey: 'SAMI', preprocessedAt: '2026-12-03T00:00:00Z' },
      science: { moransI: 0.8, nValid: 900 },
      sourceGrid: { width: 50, height: 50, pixelScaleArcsec: 0.5 },
      normalisation: withKinematics
        ? { systemicKms: 3.5, scaleKms: 180, rejected: { quality: 12, outliers: 2 } }
        : undefined,
    },
    input: Float32Array.from({ length: n }, (_, i) => Math.sin(i) * 100),
    valid: Uint8Array.from({ length: n }, (_, i) => (i % 7 ? 1 : 0)),
    kinematics: withKinematics ? Float32Array.from({ length: 2 * n }, (_, i) => Math.cos(i)) : undefined,
  };
}

describe('stored map codec', () => {
  it('round-trips the velocity input, the valid mask and the velocity+dispersion plane', () => {
    const m = map(true);
    const back = decodeStoredMap(encodeStoredMap(m));
    expect(back.input).toEqual(m.input);
    expect(back.valid).toEqual(m.valid);
    expect(back.kinematics).toEqual(m.kinematics);
    expect(back.meta.planes).toEqual(['velocity+dispersion']);
    expect(back.meta.normalisation?.scaleKms).toBe(180);
    expect(inputOf(back, 'velocity')).toBe(back.input);
    expect(inputOf(back, 'velocity+dispersion')).toBe(back.kinematics);
  });

  it('a map without a dispersion plane has only the velocity input', () => {
    const back = decodeStoredMap(encodeStoredMap(map(false)));
    expect(back.kinematics).toBeUndefined();
    expect(inputOf(back, 'velocity+dispersion')).toBeUndefined();
  });

  it('still reads format-1 maps written before the two-channel input', () => {
    const bytes = encodeStoredMap(map(false));
    bytes[4] = 1;
    expect(decodeStoredMap(bytes).input).toEqual(map(false).input);
  });

  it('refuses a truncated two-channel plane and a plane of the wrong length, naming the key', () => {
    const bytes = encodeStoredMap(map(true));
    expect(() => decodeStoredMap(bytes.subarray(0, bytes.length - 8), 'maps/g1.bin')).toThrow(
      /maps\/g1.bin: truncated velocity\+dispersion plane/,
    );
    const bad = { ...map(true), kinematics: new Float32Array(10) };
    expect(() => encodeStoredMap(bad)).toThrow(MapCodecError);
  });
});
