/**
 * Classifies galaxies with a model folder or store and returns one {@link PredictionRecord} each, in
 * the shared column names: P(fast) at the serving temperature, its spread over stochastic passes,
 * the class, the OOD flag, λRe, ε, Moran's I, the input the model read and its version. The same
 * engine serves `predict FILES…` and `predict --catalog`. A galaxy that cannot be read or classified
 * gets its reason instead, so one bad file never stops a survey.
 */

import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type * as tfjs from '@tensorflow/tfjs';
import type { PredictionRecord } from '../formats/table/columns.ts';
import { dispersionSiblingPath, loadKinematicMap } from '../maps/load.ts';
import { buildModelInput, type InputKind } from '../maps/model-input.ts';
import { MAP_SIZE } from '../maps/network-grid.ts';
import { measureMapScience } from '../maps/science.ts';
import type { KinematicMap } from '../maps/types.ts';
import { temperatureOf } from '../model/evaluate/calibration.ts';
import { oodOf, oodVerdict } from '../model/serve/ood.ts';
import { predictMaps, type Thresholds } from '../model/serve/predict.ts';
import {
  DEFAULT_MC_SEED,
  predictiveUncertainty,
  type UncertaintyMethod,
} from '../model/serve/uncertainty.ts';
import { artifactsToModel, modelInputKind, type ResolvedModel } from '../model/store.ts';
import type { ModelArtifacts } from '../ports/model-store.ts';

/** One galaxy read from disk: its maps and the network inputs it can give. */
export interface LoadedGalaxy {
  file: string;
  /** The paired dispersion file, when one was given or lay beside the velocity file. */
  dispersionFile?: string;
  galaxyId: string;
  map: KinematicMap;
  /** `velocity` always; `velocity+dispersion` with a dispersion map. */
  inputs: Partial<Record<InputKind, Float32Array>>;
}

const isFile = (p: string) =>
  stat(p).then(
    (s) => s.isFile(),
    () => false,
  );

/**
 * Reads one galaxy. Without an explicit dispersion file, the SAMI dispersion product lying beside
 * the velocity file (src/maps/load.ts dispersionSiblingPath) is paired, as `run` and the pipeline do.
 * Throws the loader's error (FitsError, MapError) naming the file.
 */
export async function loadGalaxy(velocityFile: string, dispersionFile?: string): Promise<LoadedGalaxy> {
  let dispersion = dispersionFile;
  if (dispersion === undefined) {
    const sibling = dispersionSiblingPath(velocityFile);
    if (sibling && (await isFile(sibling))) dispersion = sibling;
  }
  const map = await loadKinematicMap(velocityFile, dispersion);
  const inputs: LoadedGalaxy['inputs'] = { velocity: buildModelInput(map, 'velocity', MAP_SIZE).input };
  if (map.dispersion) inputs['velocity+dispersion'] = buildModelInput(map, 'velocity+dispersion').input;
  return {
    file: velocityFile,
    ...(map.dispersion && dispersion ? { dispersionFile: dispersion } : {}),
    galaxyId: map.galaxyId,
    map,
    inputs,
  };
}

export interface PredictOptions {
  thresholds: Thresholds;
  /** Stochastic passes for p_fast_std (0 = none). */
  passes: number;
  uncertainty: UncertaintyMethod;
  /** Called after each model group with the galaxies done so far. */
  onProgress?: (done: number, total: number) => void;
}

/** A galaxy's record, or why it has none. */
export type PredictionOutcome = { ok: true; record: PredictionRecord } | { ok: false; reason: string };

interface Group {
  artifacts: ModelArtifacts;
  dir: string;
  kind: InputKind;
  members: number[];
  note?: string;
}

function versionOf(artifacts: ModelArtifacts, dir: string): string {
  const v = artifacts.metrics?.modelVersion;
  return typeof v === 'string' && v !== '' ? v : basename(dir);
}

/**
 * Which model reads which galaxy: the champion for every galaxy that has the input it reads; a
 * galaxy without a dispersion map goes to the store's velocity-only fallback (its note says so);
 * with no fallback its outcome names the missing input.
 */
function plan(
  resolved: ResolvedModel,
  galaxies: readonly LoadedGalaxy[],
): { groups: Group[]; unplanned: Map<number, string> } {
  const kind = modelInputKind(resolved.artifacts);
  const main: Group = { artifacts: resolved.artifacts, dir: resolved.dir, kind, members: [] };
  const fb = resolved.fallback;
  const fallback: Group | undefined = fb
    ? {
        artifacts: fb.artifacts,
        dir: fb.dir,
        kind: modelInputKind(fb.artifacts),
        members: [],
        note: `no dispersion map: velocity-only fallback model ${basename(fb.dir)}`,
      }
    : undefined;
  const unplanned = new Map<number, string>();
  galaxies.forEach((g, i) => {
    if (g.inputs[kind]) main.members.push(i);
    else if (fallback && g.inputs[fallback.kind]) fallback.members.push(i);
    else
      unplanned.set(
        i,
        `no dispersion map, and the ${kind} model ${basename(resolved.dir)} has no velocity-only fallback`,
      );
  });
  return { groups: [main, ...(fallback ? [fallback] : [])].filter((g) => g.members.length > 0), unplanned };
}

const finite = (x: number | null | undefined) =>
  x !== null && x !== undefined && Number.isFinite(x) ? x : null;

/** Classifies every galaxy; outcome i belongs to galaxies[i]. */
export async function predictGalaxies(
  tf: typeof tfjs,
  resolved: ResolvedModel,
  galaxies: readonly LoadedGalaxy[],
  opts: PredictOptions,
): Promise<PredictionOutcome[]> {
  const { groups, unplanned } = plan(resolved, galaxies);
  const out: PredictionOutcome[] = new Array(galaxies.length);
  for (const [i, reason] of unplanned) out[i] = { ok: false, reason };
  let done = 0;
  for (const group of groups) {
    const model = await artifactsToModel(tf, group.artifacts);
    try {
      const inputs = group.members.map((i) => galaxies[i].inputs[group.kind] as Float32Array);
      const temperature = temperatureOf(group.artifacts.metrics);
      const preds = await predictMaps(tf, model, inputs, { temperature, thresholds: opts.thresholds });
      // Calibrated passes and per-map dropout masks, exactly as the pipeline's classifier.
      const spread =
        opts.passes > 0
          ? await predictiveUncertainty(tf, model, inputs, {
              passes: opts.passes,
              method: opts.uncertainty,
              seed: DEFAULT_MC_SEED,
              temperature,
            })
          : undefined;
      const ood = oodOf(group.artifacts.metrics);
      const version = versionOf(group.artifacts, group.dir);
      group.members.forEach((i, k) => {
        const g = galaxies[i];
        const verdict = oodVerdict(ood, inputs[k], MAP_SIZE);
        let cls: string = preds[k].class;
        const notes = group.note ? [group.note] : [];
        if (verdict?.outOfDistribution) {
          // Unlike the training data: no confident class, whatever the probability (as the pipeline).
          cls = 'uncertain';
          notes.push(
            `out of distribution: input-feature distance ${verdict.distance.toFixed(1)} > ${verdict.threshold.toFixed(1)}`,
          );
        }
        const science = measureMapScience(g.map);
        const u = spread?.[k];
        out[i] = {
          ok: true,
          record: {
            galaxy_id: g.galaxyId,
            source_file: g.file,
            dispersion_file: g.dispersionFile ?? null,
            p_fast: preds[k].probability,
            p_fast_mean: u ? u.mean : null,
            p_fast_std: u ? u.std : null,
            n_passes: u ? u.passes : null,
            class: cls,
            ood: verdict ? verdict.outOfDistribution : null,
            ood_distance: verdict ? finite(verdict.distance) : null,
            lambda_re: finite(science.lambdaRe),
            ellipticity: finite(science.ellipticity),
            moran_i: finite(science.moransI),
            input_kind: group.kind,
            model_version: version,
            note: notes.length > 0 ? notes.join('; ') : null,
          },
        };
      });
    } finally {
      model.dispose();
    }
    done += group.members.length;
    opts.onProgress?.(done, galaxies.length);
  }
  return out;
}
