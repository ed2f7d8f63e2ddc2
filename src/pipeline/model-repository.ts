/**
 * Models in the bucket, laid out as TensorFlow.js writes them to a folder, so `tf.loadLayersModel
 * ('file://…/model.json')` reads the same files:
 *
 *   models/<version>/model.json   topology + weightsManifest → weights.bin
 *   models/<version>/weights.bin
 *   models/<version>/metrics.json (see the metrics contract; calibration temperature inside)
 *   models/<version>/model-card.md
 *   models/champion.json          { version, promotedAt, previous?, reason?, fallback? }
 *
 * Works over any BlobStore: the folder bucket of the embedded mode and S3 alike.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { z } from 'zod';
import { PREFIX } from '../config/index.ts';
import { artifactsToModel, modelToArtifacts } from '../model/store.ts';
import type { ModelArtifacts } from '../ports/model-store.ts';
import type { BlobStore } from '../ports/storage.ts';
import { BlobModelStore } from './blob-model-store.ts';
import { ModelNotFoundError } from './errors.ts';

export const CHAMPION_KEY = `${PREFIX.models}champion.json`;

export const ChampionPointer = z.object({
  version: z.string().min(1),
  promotedAt: z.string(),
  previous: z.string().optional(),
  /** Why it was promoted (e.g. test AUC vs the previous champion's on the same split). */
  reason: z.string().optional(),
  /** Velocity-only model for galaxies without a dispersion map (kept across promotions). */
  fallback: z.string().optional(),
});
export type ChampionPointer = z.infer<typeof ChampionPointer>;

/** What a stored version holds: the model store's artifacts. */
export type StoredModelFiles = ModelArtifacts;

const modelKey = (version: string, file: string) => `${PREFIX.models}${version}/${file}`;

/**
 * The pipeline's view of the bucket's models: the model store's files (BlobModelStore) plus the
 * champion pointer's provenance (reason, previous) and tfjs load/save.
 */
export class BlobModelRepository {
  private readonly store: BlobModelStore;

  constructor(private readonly blobs: BlobStore) {
    this.store = new BlobModelStore(blobs);
  }

  async champion(): Promise<ChampionPointer | undefined> {
    if (!(await this.blobs.head(CHAMPION_KEY))) return undefined;
    const text = new TextDecoder().decode(await this.blobs.get(CHAMPION_KEY, { maxBytes: 64 * 1024 }));
    return ChampionPointer.parse(JSON.parse(text));
  }

  /** Promotes `version`; the velocity-only fallback is kept unless `opts.fallback` names another. */
  async promote(
    version: string,
    reason?: string,
    opts: { fallback?: string } = {},
  ): Promise<ChampionPointer> {
    if (!(await this.blobs.head(modelKey(version, 'model.json')))) {
      throw new ModelNotFoundError(`model ${version} is not in ${PREFIX.models}`);
    }
    const current = await this.champion();
    const pointer: ChampionPointer = {
      version,
      promotedAt: new Date().toISOString(),
      previous: current?.version,
      reason,
      fallback: opts.fallback ?? current?.fallback,
    };
    await this.blobs.put(CHAMPION_KEY, JSON.stringify(pointer, null, 2), { contentType: 'application/json' });
    return pointer;
  }

  async has(version: string): Promise<boolean> {
    return Boolean(await this.blobs.head(modelKey(version, 'model.json')));
  }

  async list(): Promise<string[]> {
    return this.store.list();
  }

  async metrics(version: string): Promise<Record<string, unknown> | undefined> {
    const key = modelKey(version, 'metrics.json');
    if (!(await this.blobs.head(key))) return undefined;
    return JSON.parse(new TextDecoder().decode(await this.blobs.get(key, { maxBytes: 64 * 1024 * 1024 })));
  }

  async putMetrics(version: string, metrics: Record<string, unknown>): Promise<void> {
    await this.blobs.put(modelKey(version, 'metrics.json'), JSON.stringify(metrics, null, 2), {
      contentType: 'application/json',
    });
  }

  async saveFiles(version: string, files: StoredModelFiles): Promise<void> {
    await this.store.save(version, files);
  }

  /** Saves a tfjs model in the folder layout above. */
  async saveModel(
    tf: typeof tfjs,
    version: string,
    model: tfjs.LayersModel,
    extra: Omit<StoredModelFiles, 'modelJson' | 'weights'> = {},
  ): Promise<void> {
    await this.store.save(version, { ...(await modelToArtifacts(tf, model)), ...extra });
  }

  /** Loads a version's LayersModel from the bucket, on whatever backend is active. */
  async loadModel(tf: typeof tfjs, version: string): Promise<tfjs.LayersModel> {
    if (!(await this.has(version)))
      throw new ModelNotFoundError(`model ${version} is not in ${PREFIX.models}`);
    return artifactsToModel(tf, await this.store.load(version));
  }
}
