/**
 * Tiny in-memory velocity maps for model tests: a rotating thin disc (fast rotator: a dipole with
 * V(R) = Vmax·tanh(R/Rt) projected on the line of sight) or a non-rotating / weakly counter-rotating
 * core (slow rotator), on the 40×40 grid at 0.5″, NaN-free (0 outside the bundle), with noise.
 * Not the science survey (src/survey): just enough signal to check that training learns.
 */
import { mulberry32, type Rng } from '../../src/maps/random.ts';
import type { LabeledMaps } from '../../src/model/train/labelled-survey.ts';

export function syntheticMap(fast: boolean, rng: Rng, size = 40): Float32Array {
  const out = new Float32Array(size * size);
  const pa = rng.uniform(0, 2 * Math.PI);
  const q = rng.uniform(0.3, 0.95);
  const vmax = fast ? rng.uniform(120, 260) : rng.uniform(0, 25);
  const rt = rng.uniform(2, 6);
  const radius = rng.uniform(13, 19);
  const noise = rng.uniform(5, 15);
  const c = (size - 1) / 2;
  for (let r = 0; r < size; r++) {
    for (let k = 0; k < size; k++) {
      const y = r - c;
      const x = k - c;
      if (Math.hypot(x, y) > radius) continue;
      const xm = x * Math.cos(pa) + y * Math.sin(pa);
      const ym = (-x * Math.sin(pa) + y * Math.cos(pa)) / q;
      const R = Math.hypot(xm, ym) + 1e-9;
      // Slow rotators: a small kinematically decoupled core half of the time.
      const v = fast
        ? vmax * Math.tanh(R / rt) * (xm / R)
        : R < 4 && rng.next() < 0.5
          ? 40 * (xm / R)
          : vmax * (xm / R) * 0.2;
      out[r * size + k] = v + rng.normal() * noise;
    }
  }
  return out;
}

/** n maps, a `slowFraction` share slow (label 0), the rest fast (label 1), seeded. */
export function syntheticDataset(n: number, seed: number, slowFraction = 0.3, size = 40): LabeledMaps {
  const rng = mulberry32(seed);
  const d: LabeledMaps = { ids: [], inputs: [], labels: [], kinds: [] };
  for (let i = 0; i < n; i++) {
    const fast = i >= Math.round(n * slowFraction);
    d.ids.push(`syn${seed}-${i}`);
    d.inputs.push(syntheticMap(fast, rng, size));
    d.labels.push(fast ? 1 : 0);
    d.kinds.push(fast ? 'disc' : 'non-rotating');
  }
  return d;
}
