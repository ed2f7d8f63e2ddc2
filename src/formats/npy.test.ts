import { describe, expect, it } from 'vitest';
import { NpyError, parseNpy, writeNpy } from './npy.ts';

describe('npy', () => {
  it('round-trips float32 and float64 arrays with their shape', () => {
    const a = new Float32Array([1.5, Number.NaN, -2, 3, 4, 5]);
    const back = parseNpy(writeNpy(a, [2, 3]));
    expect(back.shape).toEqual([2, 3]);
    expect(Array.from(back.data)).toEqual(Array.from(a));
    const b = parseNpy(writeNpy(new Float64Array([0.1, 0.2]), [2]));
    expect(b.data).toBeInstanceOf(Float64Array);
    expect(b.shape).toEqual([2]);
  });

  it('pads the header so the data starts on a 64-byte boundary (numpy format 1.0)', () => {
    const bytes = writeNpy(new Float32Array(4), [2, 2]);
    expect((bytes.length - 16) % 64).toBe(0);
    expect(new TextDecoder().decode(bytes.subarray(10, 60))).toContain("'descr': '<f4'");
  });

  it('reads from a view into a larger buffer (Node Buffer pool)', () => {
    const inner = writeNpy(new Float32Array([7, 8]), [2]);
    const big = new Uint8Array(inner.length + 100);
    big.set(inner, 50);
    expect(Array.from(parseNpy(big.subarray(50, 50 + inner.length)).data)).toEqual([7, 8]);
  });

  it('names the file when the bytes are not .npy', () => {
    expect(() => parseNpy(new Uint8Array(20), 'x.npy')).toThrow(NpyError);
    expect(() => parseNpy(new Uint8Array(20), 'x.npy')).toThrow(/x\.npy: not a \.npy file/);
  });
});
