/**
 * Maps to classify from the command line: FITS files and folders (searched recursively for FITS
 * suffixes) grouped per galaxy by their SAMI/MaNGA names — each velocity file paired with its
 * dispersion file — and turned into network inputs exactly as the training data
 * (src/maps/model-input.ts).
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { FITS_SUFFIXES } from '../../config/index.ts';
import { PermanentInputError } from '../../errors.ts';
import { loadKinematicMap, MAP_SIZE, pairProductFiles } from '../../maps/index.ts';
import { dispersionSiblingPath } from '../../maps/load.ts';
import { buildModelInput, type InputKind } from '../../maps/model-input.ts';

export interface MapInput {
  file: string;
  /** The paired dispersion file, when there was one. */
  dispersionFile?: string;
  galaxyId: string;
  /** The paper's velocity input (always). */
  input: Float32Array;
  /** The inputs this galaxy can give: `velocity` always, `velocity+dispersion` with a dispersion map. */
  inputs: Partial<Record<InputKind, Float32Array>>;
}

export class MapInputError extends PermanentInputError {
  override name = 'MapInputError';
}

/** Refuse to walk absurdly large trees from a CLI argument. */
export const MAX_FILES = 100_000;

const isFits = (name: string) => FITS_SUFFIXES.some((s) => name.toLowerCase().endsWith(s));

async function walk(dir: string, out: string[]): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => a.name.localeCompare(b.name));
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) await walk(p, out);
    else if (e.isFile() && isFits(e.name)) out.push(p);
    if (out.length > MAX_FILES) throw new MapInputError(`${dir}: more than ${MAX_FILES} FITS files`);
  }
}

/** Expands files and folders into FITS paths, in argument order (folders sorted). */
export async function collectFitsFiles(args: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const a of args) {
    const s = await stat(a).catch(() => undefined);
    if (!s) throw new MapInputError(`${a}: no such file or folder`);
    if (s.isDirectory()) await walk(a, out);
    else out.push(a);
  }
  return out;
}

/** Loads each galaxy's velocity map with its paired dispersion map, when one was given. */
export async function loadMapInputs(
  args: readonly string[],
  onProgress?: (done: number, total: number) => void,
): Promise<MapInput[]> {
  const files = await collectFitsFiles(args);
  const { pairs } = pairProductFiles(files);
  if (pairs.length === 0) throw new MapInputError(`${args.join(' ')}: no velocity FITS files found`);
  const out: MapInput[] = [];
  for (const p of pairs) {
    // A velocity file given alone still finds the dispersion file that lies beside it.
    const sibling = p.dispersionFile ? undefined : dispersionSiblingPath(p.velocityFile);
    if (
      sibling &&
      (await stat(sibling).then(
        (s) => s.isFile(),
        () => false,
      ))
    )
      p.dispersionFile = sibling;
    const map = await loadKinematicMap(p.velocityFile, p.dispersionFile);
    const velocity = buildModelInput(map, 'velocity', MAP_SIZE).input;
    const inputs: MapInput['inputs'] = { velocity };
    if (map.dispersion) inputs['velocity+dispersion'] = buildModelInput(map, 'velocity+dispersion').input;
    out.push({
      file: p.velocityFile,
      dispersionFile: map.dispersion ? p.dispersionFile : undefined,
      galaxyId: map.galaxyId || p.galaxyId,
      input: velocity,
      inputs,
    });
    onProgress?.(out.length, pairs.length);
  }
  return out;
}
