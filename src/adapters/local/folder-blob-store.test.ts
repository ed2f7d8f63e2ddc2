/** Folder-bucket specifics beyond the shared contract: key safety and invisible temp files. */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BlobKeyError, FolderBlobStore } from './folder-blob-store.ts';

const root = mkdtempSync(join(tmpdir(), 'galspin-folder-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('FolderBlobStore', () => {
  const store = new FolderBlobStore(join(root, 'bucket'));

  it('refuses keys that would escape the bucket folder', async () => {
    for (const key of ['../x', 'a/../../x', '/etc/passwd', 'a//b', 'a/', '', 'a\\b']) {
      await expect(store.put(key, 'x'), key).rejects.toBeInstanceOf(BlobKeyError);
    }
    expect(readdirSync(root)).not.toContain('x');
  });

  it('never lists an in-progress temp file and leaves none behind', async () => {
    await store.put('maps/a.json', '{}');
    writeFileSync(join(root, 'bucket', 'maps', '.galspin-tmp-123-abc'), 'partial');
    const keys: string[] = [];
    for await (const b of store.list('maps/')) keys.push(b.key);
    expect(keys).toEqual(['maps/a.json']);
    await store.put('maps/b.json', '{"b":1}');
    expect(readdirSync(join(root, 'bucket', 'maps')).filter((f) => f.startsWith('.galspin-tmp-'))).toEqual([
      '.galspin-tmp-123-abc',
    ]);
  });

  it('changes the etag when an object is replaced', async () => {
    await store.put('incoming/x.fits', 'one');
    const a = await store.head('incoming/x.fits');
    await store.put('incoming/x.fits', 'two!');
    const b = await store.head('incoming/x.fits');
    expect(a?.etag).toBeDefined();
    expect(b?.etag).not.toBe(a?.etag);
  });
});
