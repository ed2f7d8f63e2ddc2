/**
 * Model artifacts and their store. A model folder holds exactly what TensorFlow.js writes for
 * `file://` (model.json with a weightsManifest pointing at weights.bin), so tfjs-node, the pipeline's
 * BlobModelRepository and this module all read the same files; saving and loading go through an
 * in-memory IO handler so every backend (wasm and cpu included) can do both.
 *
 *   <dir>/model.json  <dir>/weights.bin  <dir>/metrics.json  <dir>/model-card.md
 *   <root>/<version>/…  and  <root>/champion.json = { version, promotedAt, previous? }
 */

import { mkdir, readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type * as tfjs from '@tensorflow/tfjs';
import { type InputKind, inputKindFrom } from '../maps/model-input.ts';
import { type ModelArtifacts, type ModelStore, ModelStoreError } from '../ports/model-store.ts';

const VERSION_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
/** The input kind a model reads: metrics.json `inputKind`, else the channels of its input layer. */
export function modelInputKind(artifacts: ModelArtifacts): InputKind {
  const topology = JSON.stringify(artifacts.modelJson ?? {});
  const shape = /"batch_input_shape":\[null,\d+,\d+,(\d+)\]/.exec(topology);
  return inputKindFrom(artifacts.metrics, shape ? Number(shape[1]) : 1);
}

/** Refuse absurd model files (Table 1 is 2.3 MB of weights). */
export const MAX_WEIGHTS_BYTES = 512 * 1024 * 1024;

/** Serialises a model to artifacts through a save handler (no tfjs-node needed). */
export async function modelToArtifacts(tf: typeof tfjs, model: tfjs.LayersModel): Promise<ModelArtifacts> {
  let captured: tfjs.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      captured = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  if (!captured?.weightData || !captured.weightSpecs) throw new ModelStoreError('model produced no weights');
  const data = captured.weightData;
  const buffer = Array.isArray(data) ? tf.io.concatenateArrayBuffers(data) : data;
  return {
    modelJson: {
      modelTopology: captured.modelTopology,
      format: captured.format ?? 'layers-model',
      generatedBy: captured.generatedBy,
      convertedBy: captured.convertedBy ?? null,
      weightsManifest: [{ paths: ['weights.bin'], weights: captured.weightSpecs }],
    },
    weights: new Uint8Array(buffer),
  };
}

/** Rebuilds a LayersModel from artifacts on whatever backend is active. */
export async function artifactsToModel(tf: typeof tfjs, a: ModelArtifacts): Promise<tfjs.LayersModel> {
  const manifest = a.modelJson.weightsManifest as { weights: tfjs.io.WeightsManifestEntry[] }[] | undefined;
  if (!a.modelJson.modelTopology || !manifest)
    throw new ModelStoreError('model.json lacks modelTopology or weightsManifest');
  const weightSpecs = manifest.flatMap((g) => g.weights);
  const buf = a.weights.buffer.slice(
    a.weights.byteOffset,
    a.weights.byteOffset + a.weights.byteLength,
  ) as ArrayBuffer;
  return tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: a.modelJson.modelTopology as tfjs.io.ModelJSON['modelTopology'],
      weightSpecs,
      weightData: buf,
    }),
  );
}

async function writeAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, data);
  await rename(tmp, path);
}

export async function writeModelDir(dir: string, a: ModelArtifacts): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeAtomic(join(dir, 'weights.bin'), a.weights);
  if (a.metrics) await writeAtomic(join(dir, 'metrics.json'), `${JSON.stringify(a.metrics, null, 2)}\n`);
  if (a.modelCard) await writeAtomic(join(dir, 'model-card.md'), a.modelCard);
  // model.json last: its presence marks a complete model folder.
  await writeAtomic(join(dir, 'model.json'), JSON.stringify(a.modelJson));
}

export async function readModelDir(dir: string): Promise<ModelArtifacts> {
  const file = (n: string) => join(dir, n);
  let modelJson: Record<string, unknown>;
  try {
    modelJson = JSON.parse(await readFile(file('model.json'), 'utf8'));
  } catch (err) {
    const why =
      (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no model.json' : 'model.json is not valid JSON';
    throw new ModelStoreError(`${dir}: ${why}`);
  }
  const wpath = file('weights.bin');
  const s = await stat(wpath).catch(() => undefined);
  if (!s) throw new ModelStoreError(`${dir}: no weights.bin`);
  if (s.size > MAX_WEIGHTS_BYTES)
    throw new ModelStoreError(`${wpath}: ${s.size} bytes exceeds ${MAX_WEIGHTS_BYTES}`);
  const weights = new Uint8Array(await readFile(wpath));
  const metrics = await readFile(file('metrics.json'), 'utf8').then(
    (t) => JSON.parse(t) as Record<string, unknown>,
    () => undefined,
  );
  const modelCard = await readFile(file('model-card.md'), 'utf8').catch(() => undefined);
  return { modelJson, weights, metrics, modelCard };
}

/** models/<version>/ folders under one root plus a champion.json pointer. */
export class FolderModelStore implements ModelStore {
  constructor(readonly root: string) {}

  private dir(version: string): string {
    if (!VERSION_RE.test(version)) throw new ModelStoreError(`bad model version "${version}"`);
    return join(this.root, version);
  }

  async save(version: string, artifacts: ModelArtifacts): Promise<void> {
    await writeModelDir(this.dir(version), artifacts);
  }

  async load(version: string): Promise<ModelArtifacts> {
    return readModelDir(this.dir(version));
  }

  private async pointer(): Promise<{ version?: unknown; fallback?: unknown } | undefined> {
    try {
      return JSON.parse(await readFile(join(this.root, 'champion.json'), 'utf8'));
    } catch {
      return undefined;
    }
  }

  async champion(): Promise<string | undefined> {
    const p = await this.pointer();
    return typeof p?.version === 'string' ? p.version : undefined;
  }

  /**
   * The velocity-only model that classifies galaxies whose dispersion map is missing, when the
   * champion reads velocity + dispersion (champion.json `fallback`).
   */
  async fallback(): Promise<string | undefined> {
    const p = await this.pointer();
    return typeof p?.fallback === 'string' ? p.fallback : undefined;
  }

  async promote(version: string): Promise<void> {
    await stat(join(this.dir(version), 'model.json')).catch(() => {
      throw new ModelStoreError(`cannot promote ${version}: not in ${this.root}`);
    });
    const previous = await this.champion();
    const fallback = await this.fallback();
    await writeAtomic(
      join(this.root, 'champion.json'),
      `${JSON.stringify({ version, promotedAt: new Date().toISOString(), previous, fallback }, null, 2)}\n`,
    );
  }

  async list(): Promise<string[]> {
    const entries = await readdir(this.root, { withFileTypes: true }).catch(() => []);
    const out: string[] = [];
    for (const e of entries) {
      if (e.isDirectory() && (await stat(join(this.root, e.name, 'model.json')).catch(() => undefined)))
        out.push(e.name);
    }
    return out.sort();
  }
}

export interface ResolvedModel {
  dir: string;
  artifacts: ModelArtifacts;
  /** A store root's velocity-only fallback (champion.json `fallback`), when it names one. */
  fallback?: { dir: string; artifacts: ModelArtifacts };
}

/**
 * Loads a model folder, or a store root's champion (and its velocity-only fallback) when `path`
 * holds champion.json. Returns the artifacts and the folder actually read.
 */
export async function resolveModelDir(path: string): Promise<ResolvedModel> {
  if (await stat(join(path, 'model.json')).catch(() => undefined))
    return { dir: path, artifacts: await readModelDir(path) };
  const store = new FolderModelStore(path);
  const champion = await store.champion();
  if (!champion)
    throw new ModelStoreError(`${path}: neither a model folder (model.json) nor a store with champion.json`);
  const dir = join(path, champion);
  const out: ResolvedModel = { dir, artifacts: await readModelDir(dir) };
  const fallback = await store.fallback();
  if (fallback && fallback !== champion) {
    const fdir = join(path, fallback);
    out.fallback = { dir: fdir, artifacts: await readModelDir(fdir) };
  }
  return out;
}
