import type { KinematicMap } from './types.ts';

/** Side of the network input: the paper's centred 40 × 40 crop (rows/cols 5..44 of a SAMI 50 × 50 map). */
export const MAP_SIZE = 40;
/** Spaxel size the network was trained on (SAMI), arcsec. */
export const TARGET_PIXEL_SCALE_ARCSEC = 0.5;

export interface PreprocessedMap {
  galaxyId: string;
  /** size × size, row-major; NaN/masked → 0 (Chegeni et al. 2025, Sect. 2). */
  input: Float32Array;
  valid: Uint8Array;
  size: number;
  channels?: { dispersion?: Float32Array; flux?: Float32Array };
}

interface Plane {
  data: ArrayLike<number>;
  valid: Uint8Array;
  width: number;
  height: number;
}

/**
 * Resamples a plane to a new spaxel size by bilinear interpolation over valid neighbours, about the
 * grid centre. An output spaxel is valid when the input spaxel under its centre is valid.
 */
export function resamplePlane(p: Plane, fromScale: number, toScale: number): Plane {
  const f = fromScale / toScale;
  const width = Math.max(1, Math.round(p.width * f));
  const height = Math.max(1, Math.round(p.height * f));
  const data = new Float64Array(width * height);
  const valid = new Uint8Array(width * height);
  const cxIn = (p.width - 1) / 2;
  const cyIn = (p.height - 1) / 2;
  const cxOut = (width - 1) / 2;
  const cyOut = (height - 1) / 2;
  for (let r = 0; r < height; r++) {
    const y = cyIn + (r - cyOut) / f;
    for (let c = 0; c < width; c++) {
      const x = cxIn + (c - cxOut) / f;
      const o = r * width + c;
      const rn = Math.round(y);
      const cn = Math.round(x);
      if (rn < 0 || rn >= p.height || cn < 0 || cn >= p.width || !p.valid[rn * p.width + cn]) {
        data[o] = Number.NaN;
        continue;
      }
      const r0 = Math.floor(y);
      const c0 = Math.floor(x);
      let s = 0;
      let w = 0;
      for (const [rr, wr] of [
        [r0, 1 - (y - r0)],
        [r0 + 1, y - r0],
      ]) {
        for (const [cc, wc] of [
          [c0, 1 - (x - c0)],
          [c0 + 1, x - c0],
        ]) {
          if (rr < 0 || rr >= p.height || cc < 0 || cc >= p.width) continue;
          const i = rr * p.width + cc;
          const v = p.data[i];
          if (!p.valid[i] || !Number.isFinite(v) || wr * wc === 0) continue;
          s += wr * wc * v;
          w += wr * wc;
        }
      }
      data[o] = w > 0 ? s / w : p.data[rn * p.width + cn];
      valid[o] = 1;
    }
  }
  return { data, valid, width, height };
}

/**
 * Centred crop (or zero padding) of a plane to size × size: output (r, c) takes input
 * (r + r0, c + c0) with r0 = ⌊(H − size)/2⌋, c0 = ⌊(W − size)/2⌋ — rows/cols 5..44 of a 50 × 50 map.
 * Invalid or non-finite values become 0.
 */
export function cropCentre(p: Plane, size: number): { data: Float32Array; valid: Uint8Array } {
  const data = new Float32Array(size * size);
  const valid = new Uint8Array(size * size);
  const r0 = Math.floor((p.height - size) / 2);
  const c0 = Math.floor((p.width - size) / 2);
  for (let r = 0; r < size; r++) {
    const rr = r + r0;
    if (rr < 0 || rr >= p.height) continue;
    for (let c = 0; c < size; c++) {
      const cc = c + c0;
      if (cc < 0 || cc >= p.width) continue;
      const i = rr * p.width + cc;
      const v = p.data[i];
      if (p.valid[i] && Number.isFinite(v)) {
        data[r * size + c] = v;
        valid[r * size + c] = 1;
      }
    }
  }
  return { data, valid };
}

/**
 * The paper's preprocessing: resample to 0.5″ spaxels when the scale differs by more than 1 %, centred
 * size × size crop/pad, NaN and masked spaxels → 0. Dispersion and flux ride along as extra channels.
 */
export function preprocessMap(map: KinematicMap, size = MAP_SIZE): PreprocessedMap {
  const resample = Math.abs(map.pixelScaleArcsec / TARGET_PIXEL_SCALE_ARCSEC - 1) > 0.01;
  const prepare = (data: ArrayLike<number>, valid: Uint8Array): Plane => {
    const p = { data, valid, width: map.width, height: map.height };
    return resample ? resamplePlane(p, map.pixelScaleArcsec, TARGET_PIXEL_SCALE_ARCSEC) : p;
  };
  const vel = cropCentre(prepare(map.velocity, map.valid), size);
  const out: PreprocessedMap = { galaxyId: map.galaxyId, input: vel.data, valid: vel.valid, size };
  if (map.dispersion || map.flux) {
    out.channels = {};
    if (map.dispersion) out.channels.dispersion = cropCentre(prepare(map.dispersion, map.valid), size).data;
    if (map.flux) out.channels.flux = cropCentre(prepare(map.flux, map.valid), size).data;
  }
  return out;
}

/** Keeps the first item of every galaxy id (the paper removes duplicated ids); returns the dropped ids too. */
export function dedupByGalaxyId<T extends { galaxyId: string }>(
  items: readonly T[],
): { kept: T[]; duplicates: string[] } {
  const seen = new Set<string>();
  const kept: T[] = [];
  const duplicates: string[] = [];
  for (const it of items) {
    if (seen.has(it.galaxyId)) duplicates.push(it.galaxyId);
    else {
      seen.add(it.galaxyId);
      kept.push(it);
    }
  }
  return { kept, duplicates };
}
