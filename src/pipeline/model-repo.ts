/**
 * Models in the bucket, laid out as TensorFlow.js writes them to a folder, so `tf.loadLayersModel
 * ('file://…/model.json')` reads the same files:
 *
 *   models/<version>/model.json   topology + weightsManifest → weights.bin
 *   models/<version>/weights.bin
 *   models/<version>/metrics.json (see the metrics contract; calibration temperature inside)
 *   models/<version>/model-card.md
 *   models/champion.json          { version, promotedAt, previous? }
 *
 * Works over any BlobStore: the folder bucket of the embedded mode and S3 alike.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { z } from 'zod';
import { PREFIX } from '../config/index.ts';
import type { BlobStore } from '../ports.ts';
import { ModelNotFoundError } from './errors.ts';

export const CHAMPION_KEY = `${PREFIX.models}champion.json`;

export const ChampionPointer = z.object({
  version: z.string().min(1),
  promotedAt: z.string(),
  previous: z.string().optional(),
  /** Why it was promoted (e.g. test AUC vs the previous champion's on the same split). */
  reason: z.string().optional(),
});
export type ChampionPointer = z.infer<typeof ChampionPointer>;

export interface StoredModelFiles {
  modelJson: Record<string, unknown>;
  weights: Uint8Array;
  metrics?: Record<string, unknown>;
  modelCard?: string;
}

const modelKey = (version: string, file: string) => `${PREFIX.models}${version}/${file}`;

export class BlobModelRepository {
  constructor(private readonly blobs: BlobStore) {}

  async champion(): Promise<ChampionPointer | undefined> {
    if (!(await this.blobs.head(CHAMPION_KEY))) return undefined;
    const text = new TextDecoder().decode(await this.blobs.get(CHAMPION_KEY, { maxBytes: 64 * 1024 }));
    return ChampionPointer.parse(JSON.parse(text));
  }

  async promote(version: string, reason?: string): Promise<ChampionPointer> {
    if (!(await this.blobs.head(modelKey(version, 'model.json')))) {
      throw new ModelNotFoundError(`model ${version} is not in ${PREFIX.models}`);
    }
    const previous = (await this.champion())?.version;
    const pointer: ChampionPointer = { version, promotedAt: new Date().toISOString(), previous, reason };
    await this.blobs.put(CHAMPION_KEY, JSON.stringify(pointer, null, 2), { contentType: 'application/json' });
    return pointer;
  }

  async has(version: string): Promise<boolean> {
    return Boolean(await this.blobs.head(modelKey(version, 'model.json')));
  }

  async list(): Promise<string[]> {
    const versions = new Set<string>();
    for await (const b of this.blobs.list(PREFIX.models)) {
      const m = /^models\/([^/]+)\/model\.json$/.exec(b.key);
      if (m) versions.add(m[1]);
    }
    return [...versions].sort();
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
    await this.blobs.put(modelKey(version, 'weights.bin'), files.weights, {
      contentType: 'application/octet-stream',
    });
    if (files.metrics) await this.putMetrics(version, files.metrics);
    if (files.modelCard) {
      await this.blobs.put(modelKey(version, 'model-card.md'), files.modelCard, {
        contentType: 'text/markdown',
      });
    }
    // model.json last: its presence is what makes the version exist.
    await this.blobs.put(modelKey(version, 'model.json'), JSON.stringify(files.modelJson), {
      contentType: 'application/json',
    });
  }

  /** Saves a tfjs model in the folder layout above. */
  async saveModel(
    tf: typeof tfjs,
    version: string,
    model: tfjs.LayersModel,
    extra: Omit<StoredModelFiles, 'modelJson' | 'weights'> = {},
  ): Promise<void> {
    let captured: tfjs.io.ModelArtifacts | undefined;
    await model.save(
      tf.io.withSaveHandler(async (artifacts) => {
        captured = artifacts;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    if (!captured?.weightData || !captured.weightSpecs) throw new Error(`model ${version}: nothing to save`);
    const weightData = Array.isArray(captured.weightData)
      ? concatBuffers(captured.weightData)
      : new Uint8Array(captured.weightData as ArrayBuffer);
    const modelJson = {
      modelTopology: captured.modelTopology,
      format: captured.format ?? 'layers-model',
      generatedBy: captured.generatedBy,
      convertedBy: captured.convertedBy ?? null,
      weightsManifest: [{ paths: ['weights.bin'], weights: captured.weightSpecs }],
    };
    await this.saveFiles(version, { modelJson, weights: weightData, ...extra });
  }

  /** Loads a version's LayersModel from the bucket. */
  async loadModel(tf: typeof tfjs, version: string): Promise<tfjs.LayersModel> {
    const jsonKey = modelKey(version, 'model.json');
    if (!(await this.blobs.head(jsonKey)))
      throw new ModelNotFoundError(`model ${version} is not in ${PREFIX.models}`);
    const modelJson = JSON.parse(
      new TextDecoder().decode(await this.blobs.get(jsonKey, { maxBytes: 64 * 1024 * 1024 })),
    );
    const manifest = modelJson.weightsManifest as {
      paths: string[];
      weights: tfjs.io.WeightsManifestEntry[];
    }[];
    const parts: Uint8Array[] = [];
    const specs: tfjs.io.WeightsManifestEntry[] = [];
    for (const group of manifest) {
      for (const p of group.paths)
        parts.push(await this.blobs.get(modelKey(version, p), { maxBytes: 512 * 1024 * 1024 }));
      specs.push(...group.weights);
    }
    const weights = concatBuffers(
      parts.map((p) => p.buffer.slice(p.byteOffset, p.byteOffset + p.byteLength) as ArrayBuffer),
    );
    return tf.loadLayersModel(
      tf.io.fromMemory({
        modelTopology: modelJson.modelTopology,
        weightSpecs: specs,
        weightData: weights.buffer as ArrayBuffer,
      }),
    );
  }
}

function concatBuffers(buffers: ArrayBuffer[]): Uint8Array {
  const total = buffers.reduce((a, b) => a + b.byteLength, 0);
  const out = new Uint8Array(total);
  let o = 0;
  for (const b of buffers) {
    out.set(new Uint8Array(b), o);
    o += b.byteLength;
  }
  return out;
}
