import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FolderBlobStore } from '../adapters/local/folder-blob-store.ts';
import { BlobModelRepository } from '../pipeline/model-repository.ts';
import { PushChampionError, pushChampion } from './push-champion.ts';

/** The champion committed with galspin, as a fresh deployment would receive it. */
const BUNDLED = join(import.meta.dirname, '..', '..', 'models');
const bundled = JSON.parse(readFileSync(join(BUNDLED, 'champion.json'), 'utf8')) as {
  version: string;
  fallback: string;
};

describe('pushChampion (the bundled champion into an empty model store)', () => {
  let dir: string;
  let blobs: FolderBlobStore;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'galspin-push-'));
    blobs = new FolderBlobStore(dir);
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('uploads the champion and its fallback byte for byte and promotes them', async () => {
    const r = await pushChampion(BUNDLED, blobs);
    expect(r).toMatchObject({ outcome: 'pushed', version: bundled.version, fallback: bundled.fallback });
    for (const v of [bundled.version, bundled.fallback]) {
      const stored = await blobs.get(`models/${v}/weights.bin`);
      expect(Buffer.from(stored).equals(readFileSync(join(BUNDLED, v, 'weights.bin'))), v).toBe(true);
      expect(await blobs.head(`models/${v}/model.json`), v).toBeDefined();
      expect(await blobs.head(`models/${v}/metrics.json`), v).toBeDefined();
    }
    const pointer = await new BlobModelRepository(blobs).champion();
    expect(pointer?.version).toBe(bundled.version);
    expect(pointer?.fallback).toBe(bundled.fallback);
    expect(r.bytes).toBeGreaterThan(readFileSync(join(BUNDLED, bundled.version, 'weights.bin')).length);
  });

  it('is idempotent: a second push writes nothing', async () => {
    await pushChampion(BUNDLED, blobs);
    const before = (await blobs.get('models/champion.json')).slice();
    const r = await pushChampion(BUNDLED, blobs);
    expect(r).toMatchObject({ outcome: 'current', bytes: 0, previous: bundled.version });
    expect(Buffer.from(await blobs.get('models/champion.json')).equals(Buffer.from(before))).toBe(true);
  });

  it('keeps a different champion unless forced', async () => {
    // The deployment's own champion: the fallback model promoted in its place.
    await pushChampion(BUNDLED, blobs);
    const repo = new BlobModelRepository(blobs);
    await repo.promote(bundled.fallback, 'trained here');
    const kept = await pushChampion(BUNDLED, blobs);
    expect(kept).toMatchObject({ outcome: 'kept', previous: bundled.fallback, bytes: 0 });
    expect((await repo.champion())?.version).toBe(bundled.fallback);
    const forced = await pushChampion(BUNDLED, blobs, { force: true });
    expect(forced).toMatchObject({ outcome: 'pushed', previous: bundled.fallback });
    expect((await repo.champion())?.version).toBe(bundled.version);
  });

  it('names the folder when it is not a model store', async () => {
    await expect(pushChampion(join(BUNDLED, bundled.version), blobs)).rejects.toThrow(PushChampionError);
    await expect(pushChampion(join(BUNDLED, bundled.version), blobs)).rejects.toThrow(
      /no champion\.json \(not a model store folder\)$/,
    );
  });
});
