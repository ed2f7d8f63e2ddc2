import { describe, expect, it } from 'vitest';
import { DEFAULT_THRESHOLDS } from '../config/index.ts';
import { classOf } from './classifier.ts';

describe('classOf', () => {
  it("uses the paper's cuts by default: fast at p ≥ 0.95, slow at p ≤ 0.05, uncertain between", () => {
    expect(DEFAULT_THRESHOLDS).toEqual({ fast: 0.95, slow: 0.05 });
    expect(classOf(0.95)).toBe('fast');
    expect(classOf(0.9499)).toBe('uncertain');
    expect(classOf(0.05)).toBe('slow');
    expect(classOf(0.0501)).toBe('uncertain');
  });

  it('honours configured thresholds (the worker passes GALSPIN_THRESHOLD_FAST/SLOW)', () => {
    const loose = { fast: 0.8, slow: 0.2 };
    expect(classOf(0.85, loose)).toBe('fast');
    expect(classOf(0.85)).toBe('uncertain');
    expect(classOf(0.15, loose)).toBe('slow');
  });
});
