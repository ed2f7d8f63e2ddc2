/** The shared contract suites against the embedded adapters (folder bucket, SQLite queue and index). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { FolderBlobStore } from '../../src/adapters/local/folder-blob-store.ts';
import { SqliteQueue } from '../../src/adapters/local/sqlite-queue.ts';
import { SqliteResultIndex } from '../../src/adapters/local/sqlite-result-index.ts';
import { blobStoreContract } from './blob-store.contract.ts';
import { resultIndexContract } from './result-index.contract.ts';
import { workQueueContract } from './work-queue.contract.ts';

const root = mkdtempSync(join(tmpdir(), 'galspin-contract-'));
let n = 0;
const closers: (() => void)[] = [];
afterAll(() => {
  for (const c of closers) c();
  rmSync(root, { recursive: true, force: true });
});

blobStoreContract('folder', async () => new FolderBlobStore(join(root, `bucket-${n++}`)));

workQueueContract('sqlite', async ({ visibilitySeconds }) => {
  const q = new SqliteQueue(join(root, 'queues.sqlite'), { name: `q${n++}`, visibilitySeconds });
  closers.push(() => q.close());
  return q;
});

resultIndexContract('sqlite', async () => {
  const ix = new SqliteResultIndex(join(root, `index-${n++}.sqlite`));
  closers.push(() => ix.close());
  return ix;
});
