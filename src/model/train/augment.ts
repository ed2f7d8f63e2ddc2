/**
 * Training-set augmentation of 40×40 velocity maps as in the paper's Keras ImageDataGenerator
 * (Chegeni et al. 2025): rotation 0–360°, shifts ≤ 4 px, zoom 1.0–1.05 (per axis), horizontal flip,
 * fill mode 'nearest'.
 *
 * Resampling is nearest-neighbour by default, unlike Keras' bilinear default: bilinear interpolation
 * averages up to four noisy spaxels, so augmented maps are smoother than real ones, and a network
 * trained only on augmented maps then sees every unaugmented (validation, test, survey) map as
 * "noisier" — which pushed validation predictions towards slow. Nearest keeps the per-spaxel noise.
 *
 * A horizontal flip of a velocity map is still a physically valid map (the disc turns the other way),
 * and so is a rotation (a different position angle); the label is unchanged.
 */
import type { Rng } from '../../maps/random.ts';

export interface AugmentOptions {
  /** Largest rotation in degrees (uniform in ±rotation; 360 → any angle). */
  rotationDeg: number;
  /** Largest shift in pixels along each axis (integer, uniform in −n..n). */
  shiftPx: number;
  /** Zoom range [lo, hi]; a factor > 1 samples a wider field, so the galaxy shrinks. */
  zoom: [number, number];
  horizontalFlip: boolean;
  /** Spaxel resampling; 'nearest' keeps noise statistics, 'bilinear' is Keras' default. */
  interpolation?: 'nearest' | 'bilinear';
}

export const PAPER_AUGMENTATION: Readonly<AugmentOptions> = Object.freeze({
  rotationDeg: 360,
  shiftPx: 4,
  zoom: [1.0, 1.05] as [number, number],
  horizontalFlip: true,
  interpolation: 'nearest',
});

/** One draw of the random transform. */
export interface AffineDraw {
  angleRad: number;
  shiftRow: number;
  shiftCol: number;
  zoomRow: number;
  zoomCol: number;
  flip: boolean;
  interpolation?: 'nearest' | 'bilinear';
}

export function drawTransform(rng: Rng, opts: AugmentOptions = PAPER_AUGMENTATION): AffineDraw {
  return {
    angleRad: (rng.uniform(-opts.rotationDeg, opts.rotationDeg) * Math.PI) / 180,
    shiftRow: opts.shiftPx > 0 ? rng.int(2 * opts.shiftPx + 1) - opts.shiftPx : 0,
    shiftCol: opts.shiftPx > 0 ? rng.int(2 * opts.shiftPx + 1) - opts.shiftPx : 0,
    zoomRow: rng.uniform(opts.zoom[0], opts.zoom[1]),
    zoomCol: rng.uniform(opts.zoom[0], opts.zoom[1]),
    flip: opts.horizontalFlip && rng.next() < 0.5,
    interpolation: opts.interpolation ?? 'nearest',
  };
}

/**
 * Applies `t` to a size×size row-major map of C interleaved channels (HWC, C = length / size², so
 * velocity and dispersion move together): output pixel (r, c) samples the input at the inverse
 * transform of its centred coordinates; samples outside the map take the nearest edge value.
 */
export function applyTransform(
  input: Float32Array,
  size: number,
  t: AffineDraw,
  out?: Float32Array,
): Float32Array {
  const channels = input.length / (size * size);
  if (!Number.isInteger(channels) || channels < 1)
    throw new RangeError(`map of ${input.length} values is not size² × channels for size ${size}`);
  const dst = out ?? new Float32Array(input.length);
  const C = channels;
  const centre = (size - 1) / 2;
  const cos = Math.cos(t.angleRad);
  const sin = Math.sin(t.angleRad);
  const clamp = (v: number) => Math.min(size - 1, Math.max(0, v));
  for (let r = 0; r < size; r++) {
    for (let c = 0; c < size; c++) {
      // Output → input: undo shift, rotation and zoom (in that order), then the flip.
      const y = r - centre - t.shiftRow;
      const x = c - centre - t.shiftCol;
      let sr = (cos * y - sin * x) * t.zoomRow + centre;
      let sc = (sin * y + cos * x) * t.zoomCol + centre;
      if (t.flip) sc = size - 1 - sc;
      sr = clamp(sr);
      sc = clamp(sc);
      const o = (r * size + c) * C;
      if (t.interpolation !== 'bilinear') {
        const src = (Math.round(sr) * size + Math.round(sc)) * C;
        for (let ch = 0; ch < C; ch++) dst[o + ch] = input[src + ch];
        continue;
      }
      const r0 = Math.floor(sr);
      const c0 = Math.floor(sc);
      const r1 = Math.min(r0 + 1, size - 1);
      const c1 = Math.min(c0 + 1, size - 1);
      const fr = sr - r0;
      const fc = sc - c0;
      for (let ch = 0; ch < C; ch++) {
        const at = (rr: number, cc: number) => input[(rr * size + cc) * C + ch];
        const top = at(r0, c0) * (1 - fc) + at(r0, c1) * fc;
        const bottom = at(r1, c0) * (1 - fc) + at(r1, c1) * fc;
        dst[o + ch] = top * (1 - fr) + bottom * fr;
      }
    }
  }
  return dst;
}

export function augmentMap(input: Float32Array, size: number, rng: Rng, opts?: AugmentOptions): Float32Array {
  return applyTransform(input, size, drawTransform(rng, opts));
}

/**
 * The epoch's training set: every training galaxy once, minority-class galaxies `oversample` times,
 * each copy an independent random augmentation (fresh draws every epoch). With `augment: false`
 * the copies are identical originals (plain oversampling).
 */
export function augmentedEpoch(
  inputs: readonly Float32Array[],
  labels: ArrayLike<number>,
  size: number,
  rng: Rng,
  opts: { oversample: Record<number, number>; augment: boolean; augmentation?: AugmentOptions },
): { inputs: Float32Array[]; labels: number[]; source: number[] } {
  const outInputs: Float32Array[] = [];
  const outLabels: number[] = [];
  const source: number[] = [];
  for (let i = 0; i < inputs.length; i++) {
    const copies = Math.max(1, Math.round(opts.oversample[labels[i]] ?? 1));
    for (let k = 0; k < copies; k++) {
      outInputs.push(opts.augment ? augmentMap(inputs[i], size, rng, opts.augmentation) : inputs[i]);
      outLabels.push(labels[i]);
      source.push(i);
    }
  }
  return { inputs: outInputs, labels: outLabels, source };
}

/** Copies per class so the classes balance, capped (the paper used 7× for slow rotators). */
export function balancingOversample(labels: ArrayLike<number>, cap = 7): Record<number, number> {
  const counts = new Map<number, number>();
  for (let i = 0; i < labels.length; i++) counts.set(labels[i], (counts.get(labels[i]) ?? 0) + 1);
  const max = Math.max(...counts.values());
  const out: Record<number, number> = {};
  for (const [k, n] of counts) out[k] = Math.min(cap, Math.max(1, Math.round(max / n)));
  return out;
}
