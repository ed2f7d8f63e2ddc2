/**
 * Attribution heatmap as a PNG: a diverging blue–white–red map, symmetric about zero so that
 * white means "no contribution" (as in the paper's IG figures), nearest-neighbour upscaled.
 */
import { encode } from 'fast-png';

/** RGB for t ∈ [-1, 1]: -1 blue (pushes towards slow), 0 white, +1 red (pushes towards fast). */
function diverging(t: number): [number, number, number] {
  const x = Math.max(-1, Math.min(1, Number.isFinite(t) ? t : 0));
  if (x >= 0) return [255, Math.round(255 * (1 - x)), Math.round(255 * (1 - x))];
  return [Math.round(255 * (1 + x)), Math.round(255 * (1 + x)), 255];
}

/**
 * Encodes a row-major `width`×`height` attribution map. Scale: the largest |value| maps to full
 * colour; masked spaxels (`valid[i] === 0`) are drawn grey so they are not read as zero attribution.
 */
export function attributionPng(
  values: ArrayLike<number>,
  width: number,
  height: number,
  opts: { scale?: number; valid?: Uint8Array } = {},
): Uint8Array {
  const scale = Math.max(1, Math.floor(opts.scale ?? 8));
  let maxAbs = 0;
  for (let i = 0; i < width * height; i++) {
    const v = Math.abs(values[i]);
    if (Number.isFinite(v) && v > maxAbs) maxAbs = v;
  }
  const w = width * scale;
  const h = height * scale;
  const data = new Uint8Array(w * h * 3);
  for (let r = 0; r < height; r++) {
    for (let c = 0; c < width; c++) {
      const i = r * width + c;
      const rgb: [number, number, number] =
        opts.valid && opts.valid[i] === 0 ? [160, 160, 160] : diverging(maxAbs > 0 ? values[i] / maxAbs : 0);
      for (let dy = 0; dy < scale; dy++) {
        let o = ((r * scale + dy) * w + c * scale) * 3;
        for (let dx = 0; dx < scale; dx++, o += 3) {
          data[o] = rgb[0];
          data[o + 1] = rgb[1];
          data[o + 2] = rgb[2];
        }
      }
    }
  }
  return encode({ width: w, height: h, data, channels: 3, depth: 8 });
}
