/**
 * What a reader of the results index asks for, shared by the query service (one page, src/pipeline/
 * query.ts) and exports (every matching row, src/pipeline/export-rows.ts): one galaxy, the results of
 * one class under one model, or the rows of one status.
 */
import type { ResultStatus, RotatorClass } from '../config/index.ts';
import type { BlobStore } from '../ports/storage.ts';
import { BlobModelRepository } from './model-repository.ts';

export type IndexSelector =
  | { kind: 'galaxy'; galaxyId: string }
  | {
      kind: 'class';
      class: RotatorClass;
      /** Defaults to the champion. */
      modelVersion?: string;
      minProbability?: number;
      maxProbability?: number;
      descending?: boolean;
    }
  | { kind: 'status'; status: ResultStatus; of: 'results' | 'sources'; runId?: string };

/** One page of a class or status selection. */
export interface PageRequest {
  limit?: number;
  /** Resume after a previous page. */
  cursor?: string;
}

/** The model a class selection reads: the one it names, else the bucket's champion (undefined: none). */
export async function selectedModelVersion(
  selector: { modelVersion?: string },
  blobs: BlobStore,
): Promise<string | undefined> {
  return selector.modelVersion ?? (await new BlobModelRepository(blobs).champion())?.version;
}
