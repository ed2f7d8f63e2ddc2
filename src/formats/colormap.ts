/**
 * Colormaps for kinematic maps, as piecewise-linear RGB ramps on t ∈ [0, 1].
 *
 * DIVERGING: ColorBrewer RdBu reversed (Brewer 2003; matplotlib `RdBu_r`), white at t = 0.5, blue
 * negative and red positive. Both signed quantities galspin draws use it with limits symmetric about
 * zero: line-of-sight velocity (red receding, blue approaching, as in Chegeni et al. 2025, Figs. 9–10)
 * and Integrated-Gradients attributions (red towards fast, blue towards slow, white = no contribution).
 * A diverging ramp keeps zero visible, which a rainbow map (e.g. SAURON's) does not.
 */

/** One ramp: ascending positions in [0, 1] and an sRGB colour (0–1 channels) at each. */
export interface Colormap {
  name: string;
  stops: readonly { t: number; rgb: readonly [number, number, number] }[];
}

const RDBU_R = [
  '#053061',
  '#2166ac',
  '#4393c3',
  '#92c5de',
  '#d1e5f0',
  '#f7f7f7',
  '#fddbc7',
  '#f4a582',
  '#d6604d',
  '#b2182b',
  '#67001f',
];

export const DIVERGING: Colormap = {
  name: 'RdBu_r',
  stops: RDBU_R.map((hex, i) => ({ t: i / (RDBU_R.length - 1), rgb: hexToRgb(hex) })),
};

function hexToRgb(hex: string): [number, number, number] {
  const n = Number.parseInt(hex.slice(1), 16);
  return [((n >> 16) & 255) / 255, ((n >> 8) & 255) / 255, (n & 255) / 255];
}

/** Colour at t (clamped to [0, 1]) as 0–255 channels. NaN gives NaN channels; callers mask first. */
export function colourAt(cmap: Colormap, t: number): [number, number, number] {
  const s = cmap.stops;
  const x = Math.min(1, Math.max(0, t));
  let k = 1;
  while (k < s.length - 1 && s[k].t < x) k++;
  const a = s[k - 1];
  const b = s[k];
  const f = b.t > a.t ? (x - a.t) / (b.t - a.t) : 0;
  return [0, 1, 2].map((c) => Math.round(255 * (a.rgb[c] + f * (b.rgb[c] - a.rgb[c])))) as [
    number,
    number,
    number,
  ];
}

/** `#rrggbb` for a colour at t; used where Vega scales need the same ramp as the rasters. */
export function hexAt(cmap: Colormap, t: number): string {
  return `#${colourAt(cmap, t)
    .map((c) => c.toString(16).padStart(2, '0'))
    .join('')}`;
}

/** Symmetric limits ±max|v| over finite values (0 → 1 so an all-zero map still renders). */
export function symmetricLimit(values: ArrayLike<number>, valid?: ArrayLike<number>, quantile = 1): number {
  const abs: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isFinite(v) && (!valid || valid[i])) abs.push(Math.abs(v));
  }
  if (abs.length === 0) return 1;
  abs.sort((p, q) => p - q);
  const lim = abs[Math.min(abs.length - 1, Math.floor(quantile * (abs.length - 1)))];
  return lim > 0 ? lim : 1;
}
