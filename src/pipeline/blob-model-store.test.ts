/** BlobModelStore over the folder bucket, checked against the model helper's FolderModelStore. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FolderBlobStore } from '../adapters/local/folder-blob-store.ts';
import { FolderModelStore } from '../model/store.ts';
import { ModelStoreError } from '../ports/model-store.ts';
import { BlobModelStore } from './blob-model-store.ts';

const root = mkdtempSync(join(tmpdir(), 'galspin-models-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const artifacts = (n: number) => ({
  modelJson: { format: 'layers-model', modelTopology: { n }, weightsManifest: [] },
  weights: new Uint8Array([n, 2, 3, 4]),
  metrics: { modelVersion: `v${n}`, test: { auc: 0.9 + n / 100 } },
  modelCard: `# model v${n}\n`,
});

describe('BlobModelStore', () => {
  const bucket = new FolderBlobStore(join(root, 'bucket'));
  const store = new BlobModelStore(bucket);

  it('saves, lists, loads and promotes under models/', async () => {
    expect(await store.champion()).toBeUndefined();
    await store.save('v1', artifacts(1));
    await store.save('v2', artifacts(2));
    expect(await store.list()).toEqual(['v1', 'v2']);
    const back = await store.load('v2');
    expect(back.modelJson).toEqual(artifacts(2).modelJson);
    expect(Array.from(back.weights)).toEqual([2, 2, 3, 4]);
    expect(back.metrics).toEqual(artifacts(2).metrics);
    expect(back.modelCard).toBe('# model v2\n');
    await store.promote('v1');
    await store.promote('v2');
    expect(await store.champion()).toBe('v2');
  });

  it('writes exactly what FolderModelStore reads (same layout and champion pointer)', async () => {
    const folder = new FolderModelStore(join(root, 'bucket', 'models'));
    expect(await folder.list()).toEqual(['v1', 'v2']);
    expect(await folder.champion()).toBe('v2');
    expect(Array.from((await folder.load('v1')).weights)).toEqual([1, 2, 3, 4]);
    await folder.save('v3', artifacts(3));
    expect((await store.load('v3')).metrics).toEqual(artifacts(3).metrics);
  });

  it('refuses bad versions, missing models and promoting what is not there', async () => {
    await expect(store.load('../x')).rejects.toBeInstanceOf(ModelStoreError);
    await expect(store.load('v9')).rejects.toThrow(/no model.json/);
    await expect(store.promote('v9')).rejects.toThrow(/cannot promote v9/);
    expect(await store.champion()).toBe('v2');
  });
});
