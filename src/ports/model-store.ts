/**
 * The model store port: versioned model artifacts and the champion pointer. src/model/store.ts
 * keeps them in a folder (the CLI's model store); src/pipeline/blob-model-store.ts in the bucket.
 */
import { GalspinError } from '../errors.ts';

export interface ModelArtifacts {
  /** model.json as TensorFlow.js writes it (modelTopology, weightsManifest, format, …). */
  modelJson: Record<string, unknown>;
  weights: Uint8Array;
  metrics?: Record<string, unknown>;
  modelCard?: string;
}

export interface ModelStore {
  save(version: string, artifacts: ModelArtifacts): Promise<void>;
  load(version: string): Promise<ModelArtifacts>;
  champion(): Promise<string | undefined>;
  promote(version: string): Promise<void>;
  list(): Promise<string[]>;
}

export class ModelStoreError extends GalspinError {
  override name = 'ModelStoreError';
}
