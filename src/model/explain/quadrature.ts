/**
 * Quadrature rules on the unit interval [0, 1], used to integrate the gradient along the
 * straight path of Integrated Gradients (Sundararajan, Taly & Yan 2017, arXiv:1703.01365, eq. 3).
 *
 * Every rule returns nodes α ∈ [0, 1] and weights w with Σ w = 1, so that
 * ∫₀¹ f(α) dα ≈ Σₖ wₖ f(αₖ).
 */
import { GalspinError } from '../../errors.ts';

export type QuadratureRule = 'riemann' | 'trapezoid' | 'gauss-legendre';

export const QUADRATURE_RULES: readonly QuadratureRule[] = ['riemann', 'trapezoid', 'gauss-legendre'];

export interface Quadrature {
  rule: QuadratureRule;
  /** Number of function evaluations (the IG "steps"). */
  steps: number;
  /** Nodes α in [0, 1], ascending. */
  nodes: Float64Array;
  /** Weights, summing to 1. */
  weights: Float64Array;
}

export class QuadratureError extends GalspinError {
  override name = 'QuadratureError';
}

/** Largest number of steps accepted: IG beyond this is a configuration mistake, not accuracy. */
export const MAX_QUADRATURE_STEPS = 4096;

function checkSteps(steps: number, min: number, rule: QuadratureRule): void {
  if (!Number.isInteger(steps) || steps < min || steps > MAX_QUADRATURE_STEPS) {
    throw new QuadratureError(
      `${rule}: steps must be an integer in [${min}, ${MAX_QUADRATURE_STEPS}], got ${steps}`,
    );
  }
}

/**
 * Right Riemann sum, αₖ = k/m for k = 1..m, wₖ = 1/m: the form of the original IG paper (eq. 3).
 * First-order accurate: error O(1/m) for smooth integrands.
 */
export function riemann(steps: number): Quadrature {
  checkSteps(steps, 1, 'riemann');
  const nodes = new Float64Array(steps);
  const weights = new Float64Array(steps).fill(1 / steps);
  for (let k = 0; k < steps; k++) nodes[k] = (k + 1) / steps;
  return { rule: 'riemann', steps, nodes, weights };
}

/**
 * Composite trapezoid rule on m equally spaced nodes including both ends (m − 1 intervals).
 * Second-order accurate: error O(1/m²) for smooth integrands.
 */
export function trapezoid(steps: number): Quadrature {
  checkSteps(steps, 2, 'trapezoid');
  const intervals = steps - 1;
  const nodes = new Float64Array(steps);
  const weights = new Float64Array(steps).fill(1 / intervals);
  for (let k = 0; k < steps; k++) nodes[k] = k / intervals;
  weights[0] = 0.5 / intervals;
  weights[steps - 1] = 0.5 / intervals;
  return { rule: 'trapezoid', steps, nodes, weights };
}

/**
 * Gauss–Legendre rule with m nodes, mapped from [−1, 1] to [0, 1]. Exact for polynomials of
 * degree ≤ 2m − 1 (Abramowitz & Stegun 1964, 25.4.29). Nodes are the roots of Pₘ found by
 * Newton's method from Tricomi's initial guess cos(π(i − ¼)/(m + ½)); weights
 * 2 / ((1 − x²) Pₘ′(x)²), halved for the unit interval.
 */
export function gaussLegendre(steps: number): Quadrature {
  checkSteps(steps, 1, 'gauss-legendre');
  const m = steps;
  const nodes = new Float64Array(m);
  const weights = new Float64Array(m);
  const half = Math.ceil(m / 2);
  for (let i = 0; i < half; i++) {
    let x = Math.cos((Math.PI * (i + 0.75)) / (m + 0.5));
    let derivative = 1;
    for (let iter = 0; iter < 100; iter++) {
      // Three-term recurrence: (n+1) P_{n+1} = (2n+1) x P_n − n P_{n−1}.
      let p0 = 1;
      let p1 = x;
      for (let n = 1; n < m; n++) {
        const p2 = ((2 * n + 1) * x * p1 - n * p0) / (n + 1);
        p0 = p1;
        p1 = p2;
      }
      const pm = m === 1 ? x : p1;
      const pPrev = m === 1 ? 1 : p0;
      derivative = (m * (x * pm - pPrev)) / (x * x - 1);
      const dx = pm / derivative;
      x -= dx;
      if (Math.abs(dx) < 1e-15) break;
    }
    const w = 2 / ((1 - x * x) * derivative * derivative);
    // Root x is in (0, 1] for the first half; mirror it to the other end.
    nodes[i] = (1 - x) / 2;
    nodes[m - 1 - i] = (1 + x) / 2;
    weights[i] = w / 2;
    weights[m - 1 - i] = w / 2;
  }
  return { rule: 'gauss-legendre', steps, nodes, weights };
}

/** The rule by name. */
export function quadrature(rule: QuadratureRule, steps: number): Quadrature {
  switch (rule) {
    case 'riemann':
      return riemann(steps);
    case 'trapezoid':
      return trapezoid(steps);
    case 'gauss-legendre':
      return gaussLegendre(steps);
    default:
      throw new QuadratureError(
        `unknown quadrature rule '${String(rule)}' (use ${QUADRATURE_RULES.join(', ')})`,
      );
  }
}

/** Σ wₖ f(αₖ): the rule applied to a scalar function (used by tests and diagnostics). */
export function integrate(q: Quadrature, f: (alpha: number) => number): number {
  let sum = 0;
  for (let k = 0; k < q.steps; k++) sum += q.weights[k] * f(q.nodes[k]);
  return sum;
}
