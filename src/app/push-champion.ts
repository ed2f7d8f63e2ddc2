/**
 * Puts a folder model store's champion — and the velocity-only fallback its champion.json names —
 * into the pipeline's model store (the bucket's `models/`, src/pipeline/blob-model-store.ts layout)
 * and promotes it there. This is how a fresh deployment gets its first champion (`galspin models
 * push`, run by docs/deploy.md); without one the worker stops every batch with "no champion model".
 *
 * It never replaces a champion the deployment already has (one it trained and promoted through the
 * gate, say) unless asked to: a bundled model is a starting point, not an upgrade.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { GalspinError } from '../errors.ts';
import { FolderModelStore } from '../model/store.ts';
import { BlobModelRepository } from '../pipeline/model-repository.ts';
import type { BlobStore } from '../ports/storage.ts';

/** The source folder holds no champion to push, or the bucket's champion would be replaced. */
export class PushChampionError extends GalspinError {
  override name = 'PushChampionError';
}

export interface PushChampionResult {
  /** `pushed`: uploaded and promoted; `current`: already the bucket's champion (nothing written);
   *  `kept`: the bucket has another champion, left in place (pass `force` to replace it). */
  outcome: 'pushed' | 'current' | 'kept';
  version: string;
  fallback?: string;
  /** The bucket's champion before the call. */
  previous?: string;
  /** Bytes uploaded (model.json, weights.bin, metrics.json, model-card.md of each version). */
  bytes: number;
}

export interface PushChampionOptions {
  /** Replace a different champion already in the bucket. */
  force?: boolean;
  /** Recorded in champion.json `reason`. */
  reason?: string;
}

export async function pushChampion(
  sourceDir: string,
  blobs: BlobStore,
  opts: PushChampionOptions = {},
): Promise<PushChampionResult> {
  if (!existsSync(join(sourceDir, 'champion.json')))
    throw new PushChampionError(`${sourceDir}: no champion.json (not a model store folder)`);
  const source = new FolderModelStore(sourceDir);
  const version = await source.champion();
  if (!version) throw new PushChampionError(`${join(sourceDir, 'champion.json')}: names no version`);
  const fallback = await source.fallback();

  const target = new BlobModelRepository(blobs);
  const current = await target.champion();
  if (current?.version === version && (!fallback || current.fallback === fallback)) {
    return { outcome: 'current', version, fallback, previous: current.version, bytes: 0 };
  }
  if (current && current.version !== version && !opts.force) {
    return { outcome: 'kept', version, fallback, previous: current.version, bytes: 0 };
  }

  let bytes = 0;
  // The fallback first, then the champion, then the pointer: a reader never sees a pointer to a
  // version whose files are not all there (model.json is written last within each version).
  for (const v of fallback ? [fallback, version] : [version]) {
    const artifacts = await source.load(v);
    await target.saveFiles(v, artifacts);
    bytes +=
      artifacts.weights.byteLength +
      JSON.stringify(artifacts.modelJson).length +
      (artifacts.metrics ? JSON.stringify(artifacts.metrics, null, 2).length + 1 : 0) +
      (artifacts.modelCard?.length ?? 0);
  }
  await target.promote(version, opts.reason ?? `pushed from ${sourceDir}`, { fallback });
  return { outcome: 'pushed', version, fallback, previous: current?.version, bytes };
}
