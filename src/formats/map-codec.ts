/**
 * The preprocessed map as one self-describing object, `maps/<galaxyId>/<version>.bin`, so the worker needs a
 * single GET per galaxy: magic `GSPM`, format version (u8), JSON length (u32 LE), UTF-8 JSON
 * metadata, padding to 4 bytes, then `size²` float32 LE velocity input (the paper's), then `size²`
 * valid bytes; format 2 then adds, for each extra input kind in `meta.planes`, its
 * `size²·channels` float32 LE values (HWC, src/maps/model-input.ts). Format 1 maps still decode.
 */

import { z } from 'zod';
import { Provenance } from '../config/index.ts';
import { PermanentInputError } from '../errors.ts';
import type { InputKind } from '../maps/model-input.ts';
import { MapScience } from '../maps/science.ts';

const MAGIC = [0x47, 0x53, 0x50, 0x4d]; // GSPM
const FORMAT = 2;
const EXTRA_KINDS = ['velocity+dispersion'] as const;

export const MapMeta = z.object({
  galaxyId: z.string().min(1),
  size: z.number().int().positive(),
  provenance: Provenance,
  science: MapScience,
  /** Extra input planes after the velocity input (format 2); absent = velocity only. */
  planes: z.array(z.enum(EXTRA_KINDS)).optional(),
  /** How the two-channel input was normalised (src/maps/model-input.ts). */
  normalisation: z
    .object({
      systemicKms: z.number(),
      scaleKms: z.number(),
      rejected: z.object({ quality: z.number(), outliers: z.number() }),
    })
    .optional(),
  /** Original grid, before the centred crop. */
  sourceGrid: z.object({ width: z.number().int(), height: z.number().int(), pixelScaleArcsec: z.number() }),
});
export type MapMeta = z.infer<typeof MapMeta>;

/**
 * `maps/<galaxyId>.json`: the galaxy's current map. Its metadata, plus which version (content hash,
 * src/pipeline/identity.ts) that is and where its data lie (`maps/<galaxyId>/<version>.bin`).
 */
export const MapPointer = MapMeta.extend({ mapKey: z.string().min(1), version: z.string().min(1) });
export type MapPointer = z.infer<typeof MapPointer>;

export interface StoredMap {
  meta: MapMeta;
  /** size×size row-major velocity input (the paper's), masked spaxels 0. */
  input: Float32Array;
  valid: Uint8Array;
  /** The velocity + dispersion input (size²·2, HWC) when the galaxy came with a dispersion map. */
  kinematics?: Float32Array;
}

/** The input of a given kind, if this map has it. */
export function inputOf(map: StoredMap, kind: InputKind): Float32Array | undefined {
  return kind === 'velocity' ? map.input : map.kinematics;
}

export class MapCodecError extends PermanentInputError {
  override name = 'MapCodecError';
}

export function encodeStoredMap(map: StoredMap): Uint8Array {
  const n = map.meta.size * map.meta.size;
  if (map.input.length !== n || map.valid.length !== n) {
    throw new MapCodecError(`${map.meta.galaxyId}: map planes do not hold ${n} values`);
  }
  const meta: MapMeta = { ...map.meta, planes: map.kinematics ? ['velocity+dispersion'] : undefined };
  if (map.kinematics && map.kinematics.length !== 2 * n)
    throw new MapCodecError(`${map.meta.galaxyId}: velocity+dispersion plane does not hold ${2 * n} values`);
  const json = new TextEncoder().encode(JSON.stringify(meta));
  const dataStart = Math.ceil((9 + json.length) / 4) * 4;
  const extra = map.kinematics ? Math.ceil(n / 4) * 4 - n + 8 * n : 0;
  const out = new Uint8Array(dataStart + n * 4 + n + extra);
  out.set(MAGIC, 0);
  out[4] = FORMAT;
  new DataView(out.buffer).setUint32(5, json.length, true);
  out.set(json, 9);
  const dv = new DataView(out.buffer, dataStart, n * 4);
  for (let i = 0; i < n; i++) dv.setFloat32(i * 4, map.input[i], true);
  out.set(map.valid, dataStart + n * 4);
  if (map.kinematics) {
    const at = dataStart + n * 4 + Math.ceil(n / 4) * 4;
    const kv = new DataView(out.buffer, at, map.kinematics.length * 4);
    for (let i = 0; i < map.kinematics.length; i++) kv.setFloat32(i * 4, map.kinematics[i], true);
  }
  return out;
}

export function decodeStoredMap(bytes: Uint8Array, key = 'map'): StoredMap {
  if (bytes.length < 9 || MAGIC.some((b, i) => bytes[i] !== b))
    throw new MapCodecError(`${key}: not a galspin map`);
  const format = bytes[4];
  if (format !== 1 && format !== FORMAT) throw new MapCodecError(`${key}: unsupported map format ${format}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const jsonLength = view.getUint32(5, true);
  let meta: MapMeta;
  try {
    meta = MapMeta.parse(JSON.parse(new TextDecoder().decode(bytes.subarray(9, 9 + jsonLength))));
  } catch (err) {
    throw new MapCodecError(`${key}: bad metadata (${(err as Error).message.split('\n')[0]})`);
  }
  const n = meta.size * meta.size;
  const dataStart = Math.ceil((9 + jsonLength) / 4) * 4;
  if (bytes.length < dataStart + 5 * n) throw new MapCodecError(`${key}: truncated`);
  const input = new Float32Array(n);
  for (let i = 0; i < n; i++) input[i] = view.getFloat32(dataStart + i * 4, true);
  const valid = bytes.slice(dataStart + 4 * n, dataStart + 5 * n);
  if (!meta.planes?.includes('velocity+dispersion')) return { meta, input, valid };
  const at = dataStart + 4 * n + Math.ceil(n / 4) * 4;
  if (bytes.length < at + 8 * n) throw new MapCodecError(`${key}: truncated velocity+dispersion plane`);
  const kinematics = new Float32Array(2 * n);
  for (let i = 0; i < 2 * n; i++) kinematics[i] = view.getFloat32(at + i * 4, true);
  return { meta, input, valid, kinematics };
}
