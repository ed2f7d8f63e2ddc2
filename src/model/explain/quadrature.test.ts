import { describe, expect, it } from 'vitest';
import {
  gaussLegendre,
  integrate,
  QUADRATURE_RULES,
  QuadratureError,
  quadrature,
  riemann,
  trapezoid,
} from './quadrature.ts';

describe('quadrature on [0, 1]', () => {
  it('weights sum to one and nodes lie in [0, 1], ascending, for every rule', () => {
    for (const rule of QUADRATURE_RULES) {
      for (const steps of [2, 3, 7, 16, 51, 300]) {
        const q = quadrature(rule, steps);
        expect(q.nodes.length).toBe(steps);
        const total = q.weights.reduce((a, b) => a + b, 0);
        expect(total).toBeCloseTo(1, 12);
        for (let k = 0; k < steps; k++) {
          expect(q.nodes[k]).toBeGreaterThanOrEqual(0);
          expect(q.nodes[k]).toBeLessThanOrEqual(1);
          if (k > 0) expect(q.nodes[k]).toBeGreaterThan(q.nodes[k - 1]);
        }
      }
    }
  });

  it('Gauss–Legendre is exact for polynomials up to degree 2m − 1', () => {
    for (const m of [1, 2, 3, 5, 8, 20]) {
      const q = gaussLegendre(m);
      for (let degree = 0; degree <= 2 * m - 1; degree++) {
        // ∫₀¹ α^d dα = 1 / (d + 1)
        expect(integrate(q, (a) => a ** degree)).toBeCloseTo(1 / (degree + 1), 12);
      }
      // ...and not for degree 2m (the rule is not magic; visible while m is small).
      if (m <= 5) expect(Math.abs(integrate(q, (a) => a ** (2 * m)) - 1 / (2 * m + 1))).toBeGreaterThan(1e-6);
    }
  });

  it('matches the tabulated 3-point Gauss–Legendre rule (Abramowitz & Stegun 25.4.29)', () => {
    const q = gaussLegendre(3);
    const x = Math.sqrt(3 / 5);
    expect(Array.from(q.nodes)).toEqual([(1 - x) / 2, 0.5, (1 + x) / 2].map((v) => expect.closeTo(v, 14)));
    expect(Array.from(q.weights)).toEqual([5 / 18, 8 / 18, 5 / 18].map((v) => expect.closeTo(v, 14)));
  });

  it('integrates known smooth functions, with the expected order of accuracy', () => {
    const exact = Math.E - 1; // ∫₀¹ eᵅ dα
    const err = (rule: 'riemann' | 'trapezoid' | 'gauss-legendre', m: number) =>
      Math.abs(integrate(quadrature(rule, m), Math.exp) - exact);
    // Right Riemann: first order, error ≈ (e − 1)/(2m).
    expect(err('riemann', 100) / err('riemann', 200)).toBeCloseTo(2, 1);
    // Trapezoid: second order.
    expect(err('trapezoid', 101) / err('trapezoid', 201)).toBeCloseTo(4, 1);
    // Gauss–Legendre: spectral; 6 nodes already near machine precision.
    expect(err('gauss-legendre', 6)).toBeLessThan(1e-11);
    expect(err('riemann', 6)).toBeGreaterThan(0.1);
    // ∫₀¹ sin(πα) dα = 2/π
    expect(integrate(gaussLegendre(10), (a) => Math.sin(Math.PI * a))).toBeCloseTo(2 / Math.PI, 12);
  });

  it('riemann and trapezoid place nodes as documented', () => {
    expect(Array.from(riemann(4).nodes)).toEqual([0.25, 0.5, 0.75, 1]);
    const t = trapezoid(5);
    expect(Array.from(t.nodes)).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(Array.from(t.weights)).toEqual([0.125, 0.25, 0.25, 0.25, 0.125]);
  });

  it('rejects bad step counts and rules', () => {
    expect(() => riemann(0)).toThrow(QuadratureError);
    expect(() => trapezoid(1)).toThrow(/trapezoid: steps/);
    expect(() => gaussLegendre(2.5)).toThrow(QuadratureError);
    expect(() => gaussLegendre(100_000)).toThrow(QuadratureError);
    expect(() => quadrature('simpson' as never, 4)).toThrow(/unknown quadrature rule/);
  });
});
