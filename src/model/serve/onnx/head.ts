/**
 * MC dropout on the dense head only (Gal & Ghahramani 2016, arXiv:1506.02142). Dropout in the
 * Table 1 network sits after the convolutional trunk, so the trunk's output — the features entering
 * the first Dropout — is the same in every stochastic pass. Computing it once and re-running only
 * the head (two small Dense layers) per pass gives exactly the passes of the full network.
 *
 * Masks follow ../attribution-forward.ts's `dropoutMask`: row r = map · passes + pass, one
 * independent stream per (seed, row, dropout layer), so this agrees with the tfjs path.
 */
import { dropoutMask } from '../../explain/attribution-forward.ts';
import type { HeadLayer } from './export.ts';

/**
 * Logits of `passes` dropout passes for each of `n` feature rows (`features` is n × F, row-major);
 * result is n × passes, map-major.
 */
export function headLogits(
  head: readonly HeadLayer[],
  features: Float32Array,
  n: number,
  passes: number,
  seed: number,
): Float32Array {
  const featureUnits = features.length / n;
  const out = new Float32Array(n * passes);
  let dropoutIndex = 0;
  // One dropout layer's masks for all rows at once, then each row runs through the head.
  const masks = head
    .filter((l) => l.kind === 'dropout')
    .map((l, k) => {
      const units = unitsBefore(head, k, featureUnits);
      return dropoutMask([n * passes, units], l.rate, seed, 0, dropoutIndex++);
    });
  let h = new Float64Array(Math.max(featureUnits, ...head.map((l) => (l.kind === 'dense' ? l.units : 0))));
  let next = new Float64Array(h.length);
  for (let m = 0; m < n; m++) {
    for (let p = 0; p < passes; p++) {
      const row = m * passes + p;
      let width = featureUnits;
      for (let j = 0; j < width; j++) h[j] = features[m * featureUnits + j];
      let d = 0;
      for (const layer of head) {
        if (layer.kind === 'dropout') {
          const mask = masks[d++];
          for (let j = 0; j < width; j++) h[j] *= mask[row * width + j];
          continue;
        }
        const { weight, bias, units, inUnits } = layer;
        for (let o = 0; o < units; o++) next[o] = bias[o];
        for (let j = 0; j < inUnits; j++) {
          const v = h[j];
          if (v === 0) continue;
          const base = j * units;
          for (let o = 0; o < units; o++) next[o] += v * weight[base + o];
        }
        if (layer.relu) for (let o = 0; o < units; o++) if (next[o] < 0) next[o] = 0;
        [h, next] = [next, h];
        width = units;
      }
      out[row] = h[0];
    }
  }
  return out;
}

/** Width of the activation entering the k-th dropout layer of the head. */
function unitsBefore(head: readonly HeadLayer[], k: number, featureUnits: number): number {
  let width = featureUnits;
  let seen = 0;
  for (const l of head) {
    if (l.kind === 'dropout') {
      if (seen++ === k) return width;
    } else width = l.units;
  }
  throw new Error(`head has no dropout layer ${k}`);
}
