/**
 * Loads a labeled survey for training: catalogue.csv (fast | slow | unknown, see src/survey) plus each
 * galaxy's velocity FITS (and dispersion FITS for the two-channel input), turned into the network's
 * input exactly as at inference (src/maps/model-input.ts buildModelInput). Labels: fast = 1, slow = 0; "unknown" galaxies are kept apart for later
 * classification (Chegeni et al. 2025 classify their 854 unknowns after training).
 */
import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { PermanentInputError } from '../../errors.ts';
import { loadKinematicMap, MAP_SIZE } from '../../maps/index.ts';
import { buildModelInput, DEFAULT_INPUT_KIND, type InputKind } from '../../maps/model-input.ts';
import { readCatalogue } from '../../survey/catalogue.ts';

export interface LabeledMaps {
  ids: string[];
  inputs: Float32Array[];
  /** 1 = fast, 0 = slow. */
  labels: number[];
  /** True physical kind when the catalogue has one (synthetic surveys). */
  kinds: string[];
}

export interface SurveyData extends LabeledMaps {
  inputKind: InputKind;
  /** Unlabeled galaxies, preprocessed the same way. */
  unknown: { ids: string[]; inputs: Float32Array[] };
  /** The catalogue that was read. */
  source: string;
  size: number;
  /** sha256 over ids, labels and input bytes, in catalogue order (model-card provenance). */
  hash: string;
  duplicates: string[];
}

export class DatasetError extends PermanentInputError {
  override name = 'DatasetError';
}

export interface LoadSurveyOptions {
  onProgress?: (done: number, total: number) => void;
  /** Keep at most this many labeled galaxies (first in catalogue order); for quick runs. */
  limit?: number;
  /** Skip unknown galaxies (training does not need them). Default true. */
  skipUnknown?: boolean;
  /** The network input to build. Default velocity+dispersion. */
  inputKind?: InputKind;
}

/** Accepts a survey folder (with catalogue.csv) or the catalogue file itself. */
export async function resolveCatalogue(dirOrCatalogue: string): Promise<string> {
  const p = resolve(dirOrCatalogue);
  let s: Awaited<ReturnType<typeof stat>>;
  try {
    s = await stat(p);
  } catch {
    throw new DatasetError(`${dirOrCatalogue}: no such survey folder or catalogue`);
  }
  if (s.isDirectory()) {
    const cat = join(p, 'catalogue.csv');
    try {
      await stat(cat);
    } catch {
      throw new DatasetError(`${dirOrCatalogue}: folder has no catalogue.csv`);
    }
    return cat;
  }
  return p;
}

/** sha256 of the training data: ids, labels and every input's float32 bytes, in order. */
export function hashDataset(d: LabeledMaps): string {
  const h = createHash('sha256');
  for (let i = 0; i < d.ids.length; i++) {
    h.update(`${d.ids[i]}\t${d.labels[i]}\n`);
    const x = d.inputs[i];
    h.update(new Uint8Array(x.buffer, x.byteOffset, x.byteLength));
  }
  return h.digest('hex');
}

export async function loadSurvey(dirOrCatalogue: string, opts: LoadSurveyOptions = {}): Promise<SurveyData> {
  const catalogue = await resolveCatalogue(dirOrCatalogue);
  const base = dirname(catalogue);
  const rows = await readCatalogue(catalogue);
  const seen = new Set<string>();
  const duplicates: string[] = [];
  const wanted = rows.filter((r) => {
    if (seen.has(r.catid)) {
      duplicates.push(r.catid);
      return false;
    }
    seen.add(r.catid);
    return r.label !== 'unknown' || opts.skipUnknown === false;
  });
  let labeledKept = 0;
  const chosen = wanted.filter(
    (r) => r.label === 'unknown' || opts.limit === undefined || labeledKept++ < opts.limit,
  );
  const out: SurveyData = {
    ids: [],
    inputs: [],
    labels: [],
    kinds: [],
    unknown: { ids: [], inputs: [] },
    source: catalogue,
    inputKind: opts.inputKind ?? DEFAULT_INPUT_KIND,
    size: MAP_SIZE,
    hash: '',
    duplicates,
  };
  let done = 0;
  for (const row of chosen) {
    const file = join(base, row.velocityFile);
    const needsSigma = out.inputKind !== 'velocity';
    const map = await loadKinematicMap(file, needsSigma ? join(base, row.dispersionFile) : undefined);
    const input = buildModelInput(map, out.inputKind, MAP_SIZE).input;
    if (row.label === 'unknown') {
      out.unknown.ids.push(row.catid);
      out.unknown.inputs.push(input);
    } else {
      out.ids.push(row.catid);
      out.inputs.push(input);
      out.labels.push(row.label === 'fast' ? 1 : 0);
      out.kinds.push(row.kind);
    }
    opts.onProgress?.(++done, chosen.length);
  }
  if (out.ids.length === 0) throw new DatasetError(`${catalogue}: no labeled (fast/slow) galaxies`);
  const classes = new Set(out.labels);
  if (classes.size < 2) throw new DatasetError(`${catalogue}: needs both fast and slow galaxies to train`);
  out.hash = hashDataset(out);
  return out;
}
