/**
 * The network's input, built the same way at training and at serving time.
 *
 * - `velocity` (Chegeni et al. 2025): the centred 40×40 velocity map in km/s, NaN → 0. Kept for
 *   reproducing the paper and for reporting beside the default.
 * - `velocity+dispersion` (default): two channels, V and σ, both needed by λR (Emsellem et al. 2007,
 *   eq. 6). Normalised so that what the network sees carries no nuisance that λR does not:
 *   1. spaxels that fail SAMI DR3's quality cuts or are outliers against their neighbours (hot
 *      spaxels) are masked (./quality.ts);
 *   2. the systemic velocity (./quality.ts systemicVelocity: a flux-weighted Hodges–Lehmann median of V
 *      inside the half-light ellipse) is subtracted, so a wrong
 *      redshift does not look like rotation;
 *   3. V and σ are divided by one per-map scale S, the median over the valid crop of √(V² + σ²).
 *      λR, V/σ and the rotator class are invariant under V, σ → kV, kσ, so the input is too; the
 *      absolute σ level (which differs between surveys and galaxy masses) is not a cue.
 *   4. values are clipped to ±{@link CLIP} (what survives the outlier cut cannot dominate), and
 *      masked spaxels are 0 in both channels.
 *   Channels are interleaved (HWC): input[(r·size + c)·2 + 0] = V/S, … + 1 = σ/S.
 */

import { MAP_SIZE, preprocessMap } from './network-grid.ts';
import { type CleanKinematics, cleanKinematics } from './quality.ts';
import { type KinematicMap, MapError } from './types.ts';

export type InputKind = 'velocity' | 'velocity+dispersion';
export const INPUT_KINDS: readonly InputKind[] = ['velocity', 'velocity+dispersion'];
/** The default network input. */
export const DEFAULT_INPUT_KIND: InputKind = 'velocity+dispersion';

/** Largest |value| of a normalised channel. */
export const CLIP = 4;
/** Floor of the normalisation scale, km/s (a map of noise around zero must not blow up). */
export const MIN_SCALE_KMS = 10;

export function channelsOf(kind: InputKind): number {
  return kind === 'velocity' ? 1 : 2;
}

export function inputKindOfChannels(channels: number): InputKind {
  if (channels === 1) return 'velocity';
  if (channels === 2) return 'velocity+dispersion';
  throw new RangeError(`no input kind has ${channels} channels`);
}

/**
 * The input kind a model reads: metrics.json `inputKind` when it names one, else its input channels
 * (a model from before the two-channel input reads the paper's velocity map).
 */
export function inputKindFrom(metrics: Record<string, unknown> | undefined, channels = 1): InputKind {
  const declared = (metrics as { inputKind?: unknown } | undefined)?.inputKind;
  if (declared === 'velocity' || declared === 'velocity+dispersion') return declared;
  return inputKindOfChannels(channels);
}

/** How the two-channel input was normalised (recorded in map metadata and model cards). */
export interface InputNormalisation {
  /** Subtracted from V, km/s. */
  systemicKms: number;
  /** S: V and σ were divided by it, km/s. */
  scaleKms: number;
  /** Spaxels masked by the quality cuts and by the outlier rejection. */
  rejected: { quality: number; outliers: number };
}

export interface ModelInput {
  kind: InputKind;
  size: number;
  channels: number;
  /** size × size × channels, HWC, row-major. */
  input: Float32Array;
  /** size × size: 1 where the spaxel entered the input. */
  valid: Uint8Array;
  normalisation?: InputNormalisation;
}

/** A one-line description of the normalisation, for model cards. */
export const NORMALISATION_NOTE =
  'velocity+dispersion: SAMI DR3 quality cuts and 5×5 local-plane outlier rejection; V minus the ' +
  'systemic velocity (flux-weighted Hodges–Lehmann median of V inside the half-light ellipse); V and σ ' +
  'divided by S = median √(V²+σ²) over the valid 40×40 crop; ' +
  `clipped to ±${CLIP}; masked spaxels 0. velocity: km/s, NaN → 0 (Chegeni et al. 2025).`;

function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const s = values.sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const clip = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));

/**
 * The model input of one galaxy. MapError (naming the file) when the kind needs a dispersion plane
 * the map lacks, or when no spaxel survives the cuts.
 */
export function buildModelInput(
  map: KinematicMap,
  kind: InputKind,
  size = MAP_SIZE,
  /** {@link cleanKinematics} of this map, when the caller already has it. */
  known?: CleanKinematics,
): ModelInput {
  if (kind === 'velocity') {
    const p = preprocessMap(map, size);
    return { kind, size, channels: 1, input: p.input, valid: p.valid };
  }
  if (!map.dispersion)
    throw new MapError(map.source.velocityFile, 'no dispersion map: the velocity+dispersion model needs one');
  const clean = known ?? cleanKinematics(map);
  const velocity = Float64Array.from(map.velocity, (v) => v - clean.systemicKms);
  const p = preprocessMap({ ...map, velocity, valid: clean.valid }, size);
  const sigma = p.channels?.dispersion;
  if (!sigma) throw new MapError(map.source.velocityFile, 'dispersion plane lost in preprocessing');
  const moments: number[] = [];
  for (let i = 0; i < size * size; i++) {
    if (p.valid[i] && Number.isFinite(sigma[i])) moments.push(Math.hypot(p.input[i], sigma[i]));
  }
  if (moments.length === 0)
    throw new MapError(map.source.velocityFile, 'no spaxel passes the quality cuts inside the 40×40 crop');
  const scaleKms = Math.max(MIN_SCALE_KMS, median(moments));
  const input = new Float32Array(size * size * 2);
  const valid = new Uint8Array(size * size);
  for (let i = 0; i < size * size; i++) {
    if (!p.valid[i] || !Number.isFinite(sigma[i])) continue;
    valid[i] = 1;
    input[2 * i] = clip(p.input[i] / scaleKms, -CLIP, CLIP);
    input[2 * i + 1] = clip(sigma[i] / scaleKms, 0, CLIP);
  }
  return {
    kind,
    size,
    channels: 2,
    input,
    valid,
    normalisation: { systemicKms: clean.systemicKms, scaleKms, rejected: clean.rejected },
  };
}
